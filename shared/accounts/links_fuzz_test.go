package accounts_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
)

// FuzzLinkRequest: an accepted link names two different accounts, a known
// type and a tier from 1 to 3; anything else is a 400.
func FuzzLinkRequest(f *testing.F) {
	f.Add([]byte(`{"fromAccountId":"a","toAccountId":"b","relationship":"Tier II importer of"}`))
	f.Add([]byte(`{"fromAccountId":"a","toAccountId":"b","type":"carrier","tier":2}`))
	f.Add([]byte(`{"fromAccountId":"a","toAccountId":"a","type":"pirate","tier":0,"relationship":"\u202e"}`))
	f.Add([]byte(`{"fromAccountId":" ","toAccountId":"b","tier":"1"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var r accounts.LinkRequest
		err := httpapi.DecodeJSONBody(bytes.NewReader(body), &r)
		var nl accounts.NewLink
		if err == nil {
			nl, err = r.Validate()
		}
		if err != nil {
			if fe := fault.As(err); fe.Kind != fault.Invalid && fe.Kind != fault.TooLarge || fe.Code == "" {
				t.Fatalf("body %q = %v; want a 400", body, err)
			}
			return
		}
		if nl.From == "" || nl.To == "" || nl.From == nl.To || !slices.Contains(accounts.LinkTypes, nl.Type) ||
			nl.Tier < accounts.MinTier || nl.Tier > accounts.MaxTier {
			t.Fatalf("accepted %+v from %q", nl, body)
		}
	})
}

// FuzzLinkDecision: only confirm and reject, with a bounded comment.
func FuzzLinkDecision(f *testing.F) {
	f.Add([]byte(`{"decision":"confirm","comment":"ok"}`))
	f.Add([]byte(`{"decision":"Reject"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var d accounts.LinkDecision
		err := httpapi.DecodeJSONBody(bytes.NewReader(body), &d)
		var comment string
		if err == nil {
			comment, err = d.Validate()
		}
		if err != nil {
			if fault.As(err).Kind != fault.Invalid && fault.As(err).Kind != fault.TooLarge {
				t.Fatalf("body %q = %v; want a 400", body, err)
			}
			return
		}
		if (d.Decision != "confirm" && d.Decision != "reject") || len(comment) > accounts.MaxJustification {
			t.Fatalf("accepted %+v", d)
		}
	})
}
