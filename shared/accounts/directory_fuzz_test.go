package accounts_test

import (
	"bytes"
	"net/url"
	"slices"
	"testing"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
)

// FuzzAccountAdminRequests: whatever a client sends to PATCH an account or
// assign its specialist, decoding and validation never panic, a refusal is
// a 400, and what passes holds only known entity types and programmes.
func FuzzAccountAdminRequests(f *testing.F) {
	for _, s := range []string{`{"name":"Acme","entityType":"importer","programs":["ctpat_security"],"reviewDueDate":"2027-01-31"}`,
		`{}`, `{"programs":[]}`, `{"reviewDueDate":"2027-02-30"}`, `{"specialistId":null}`, `{"specialistId":"abc"}`, `{"specialistId":[1]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var edit accounts.AccountEditRequest
		if err := httpapi.DecodeJSONBody(bytes.NewReader(body), &edit); err == nil {
			ch, err := edit.Validate()
			switch {
			case err != nil && fault.As(err).Kind != fault.Invalid:
				t.Fatalf("edit %q refused with %v", body, err)
			case err == nil && ch.EntityType != nil && !slices.Contains(accounts.EntityTypes, *ch.EntityType):
				t.Fatalf("edit %q passed entity type %q", body, *ch.EntityType)
			case err == nil && slices.ContainsFunc(ch.Programs, func(p string) bool { return !slices.Contains(accounts.Programs, p) }):
				t.Fatalf("edit %q passed programmes %v", body, ch.Programs)
			}
		}
		var sp accounts.SpecialistRequest
		if err := httpapi.DecodeJSONBody(bytes.NewReader(body), &sp); err == nil {
			if _, err := sp.Validate(); err != nil && fault.As(err).Kind != fault.Invalid {
				t.Fatalf("specialist %q refused with %v", body, err)
			}
		}
	})
}

// FuzzLookupQuery: any query string of a directory search or a user
// lookup parses or is a 400; a search that passes asks for 1 to 100
// entries.
func FuzzLookupQuery(f *testing.F) {
	for _, s := range []string{"name=acme&limit=5", "id=abc", "name=a&id=b", "limit=0", "name=%E2%80%AE", "email=A%40B.example", "cursor=xyz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		l, err := accounts.ParseLookup(q)
		switch {
		case err != nil && fault.As(err).Kind != fault.Invalid:
			t.Fatalf("lookup %q refused with %v", raw, err)
		case err == nil && (l.Limit < 1 || l.Limit > accounts.MaxLookupLimit):
			t.Fatalf("lookup %q passed with limit %d", raw, l.Limit)
		}
		if _, err := accounts.UserLookupEmail(q); err != nil && fault.As(err).Kind != fault.Invalid {
			t.Fatalf("user lookup %q refused with %v", raw, err)
		}
	})
}
