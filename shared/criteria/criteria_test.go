package criteria

import (
	"slices"
	"testing"

	"github.com/partner-portal/portal/shared/accounts"
)

func TestCatalogue(t *testing.T) {
	per := map[string]int{}
	seen := map[string]bool{}
	for _, c := range Catalogue {
		if seen[c.ID] {
			t.Errorf("duplicate id %s", c.ID)
		}
		seen[c.ID] = true
		if !slices.ContainsFunc(Categories, func(k Category) bool { return k.ID == c.Category }) {
			t.Errorf("%s: unknown category %q", c.ID, c.Category)
		}
		if c.Title == "" || c.HelpText == "" {
			t.Errorf("%s lacks a title or help text", c.ID)
		}
		for _, et := range c.EntityTypes {
			if !slices.Contains(accounts.EntityTypes, et) {
				t.Errorf("%s: unknown entity type %q", c.ID, et)
			}
		}
		per[c.Category]++
	}
	if len(Categories) != 12 {
		t.Errorf("%d categories; want the twelve of the CTPAT Minimum Security Criteria", len(Categories))
	}
	for _, k := range Categories {
		if per[k.ID] < 3 {
			t.Errorf("category %s has %d criteria; want at least 3", k.ID, per[k.ID])
		}
	}
}

func TestApplicability(t *testing.T) {
	tests := []struct {
		entityType string
		has, lacks string
	}{
		{"importer", "agricultural.2", "conveyance.3"},
		{"sea_carrier", "conveyance.3", "agricultural.2"},
		{"customs_broker", "vision.1", "seals.1"},
		{"surety", "cyber.1", "physical.1"},
	}
	for _, tt := range tests {
		var ids []string
		for _, c := range ForEntityType(tt.entityType) {
			ids = append(ids, c.ID)
		}
		if !slices.Contains(ids, tt.has) || slices.Contains(ids, tt.lacks) {
			t.Errorf("ForEntityType(%s) = %v; want %s and not %s", tt.entityType, ids, tt.has, tt.lacks)
		}
	}
	for _, et := range accounts.EntityTypes {
		required := 0
		for _, c := range ForEntityType(et) {
			if c.Required {
				required++
			}
		}
		if required < 12 {
			t.Errorf("%s has %d required criteria; want every category's basics", et, required)
		}
	}
}

// TestTradeComplianceCatalogue: the Trade Compliance questionnaire is a
// catalogue of its own, with categories and criteria as complete as the
// security one's, and no id the security catalogue uses.
func TestTradeComplianceCatalogue(t *testing.T) {
	q, ok := Of(TradeCompliance)
	if !ok || q.Program != TradeCompliance || q.Title == "" {
		t.Fatalf("Of(%q) = %+v, %v", TradeCompliance, q, ok)
	}
	if n := len(q.Categories); n < 8 || n > 12 {
		t.Errorf("%d Trade Compliance categories; want 8 to 12", n)
	}
	per := map[string]int{}
	for _, c := range q.Criteria {
		if _, clash := Get(c.ID); clash {
			t.Errorf("%s is also a security criterion", c.ID)
		}
		if !slices.ContainsFunc(q.Categories, func(k Category) bool { return k.ID == c.Category }) {
			t.Errorf("%s: unknown category %q", c.ID, c.Category)
		}
		if c.Title == "" || c.HelpText == "" {
			t.Errorf("%s lacks a title or help text", c.ID)
		}
		for _, et := range c.EntityTypes {
			if !slices.Contains(accounts.EntityTypes, et) {
				t.Errorf("%s: unknown entity type %q", c.ID, et)
			}
		}
		per[c.Category]++
	}
	for _, k := range q.Categories {
		if per[k.ID] < 2 {
			t.Errorf("category %s has %d criteria; want at least 2", k.ID, per[k.ID])
		}
	}
	if got := len(q.ForEntityType("importer")); got != len(q.Criteria) {
		t.Errorf("an importer answers %d of the %d Trade Compliance criteria; want every one", got, len(q.Criteria))
	}
	for _, tt := range []struct{ entityType, has, lacks string }{
		{"customs_broker", "classification.1", "valuation.2"},
		{"highway_carrier", "recordkeeping.1", "classification.1"},
		{"foreign_manufacturer", "ipr.1", "drawback.1"},
	} {
		var ids []string
		for _, c := range q.ForEntityType(tt.entityType) {
			ids = append(ids, c.ID)
		}
		if !slices.Contains(ids, tt.has) || slices.Contains(ids, tt.lacks) {
			t.Errorf("ForEntityType(%s) = %v; want %s and not %s", tt.entityType, ids, tt.has, tt.lacks)
		}
	}
}

// TestEveryProgramHasAQuestionnaire: each programme an account can be in
// has its questionnaire, and nothing else has one.
func TestEveryProgramHasAQuestionnaire(t *testing.T) {
	for _, p := range accounts.Programs {
		if q, ok := Of(p); !ok || q.Program != p || len(q.Criteria) == 0 {
			t.Errorf("Of(%q) = %+v, %v; want its questionnaire", p, q.Program, ok)
		}
	}
	if !slices.Equal(Programs(), accounts.Programs) {
		t.Errorf("Programs() = %v; want the account programmes %v", Programs(), accounts.Programs)
	}
	for _, p := range []string{"", "CTPAT_SECURITY", "ctpat", "ctpat_security "} {
		if _, ok := Of(p); ok {
			t.Errorf("Of(%q) found a questionnaire", p)
		}
	}
}
