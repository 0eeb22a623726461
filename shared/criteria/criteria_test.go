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
