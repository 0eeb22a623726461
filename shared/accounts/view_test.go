package accounts_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
)

// TestAccountView: an account's members (and the staff who see it) read
// who to call — the assigned specialist's name and email and the field
// office —, the review due date and the status; nobody else does.
func TestAccountView(t *testing.T) {
	e := newEnv(t)
	w := e.world(true)
	ownerEmail := testenv.Email("owner")
	body := map[string]any{"name": "Acme Rail", "entityType": "rail_carrier", "programs": []string{"ctpat_security"},
		"ownerEmail": ownerEmail, "specialistId": w.scssID, "reviewDueDate": "2027-05-15", "fieldOffice": "  Newark   Field Office "}

	// A bad field office is named, and no account is made.
	bad := map[string]any{}
	for k, v := range body {
		bad[k] = v
	}
	for _, office := range []string{"Newark\u200bOffice", strings.Repeat("N", 101)} {
		bad["fieldOffice"] = office
		if r := e.call("POST", "/v1/organizations/"+w.orgID+"/accounts", w.admin, bad); r.Status != 400 || r.Code() != "invalid_field_office" {
			t.Errorf("field office %q = %d %s; want 400 invalid_field_office", office, r.Status, r.Body)
		}
	}
	if accs := e.must(e.call("GET", "/v1/organizations/"+w.orgID, w.admin, nil), 200).JSON()["accounts"].([]any); len(accs) != 1 {
		t.Fatalf("accounts after refused creations = %v; want only the first", accs)
	}

	id := e.must(e.call("POST", "/v1/organizations/"+w.orgID+"/accounts", w.admin, body), 201).JSON()["id"].(string)
	if a := e.account(id); a.FieldOffice != "Newark Field Office" {
		t.Errorf("stored field office = %q; want it trimmed", a.FieldOffice)
	}
	e.signUp(ownerEmail, "")
	owner := e.signIn(ownerEmail)
	e.must(e.call("POST", "/v1/invitations/"+e.invitation(ownerEmail, 1)+"/accept", owner, nil), 200)

	sp, err := e.d.Users.Get(context.Background(), w.scssID)
	if err != nil {
		t.Fatal(err)
	}
	r := e.must(e.call("GET", "/v1/accounts/"+id, owner, nil), 200)
	if strings.Contains(string(r.Body), `"PK"`) || strings.Contains(string(r.Body), "GSI") || strings.Contains(string(r.Body), "contacts") {
		t.Errorf("account view %s shows the table's keys or contacts", r.Body)
	}
	v := r.JSON()
	spv, _ := v["specialist"].(map[string]any)
	if v["id"] != id || v["name"] != "Acme Rail" || v["organizationId"] != w.orgID || v["entityType"] != "rail_carrier" ||
		v["reviewDueDate"] != "2027-05-15" || v["status"] != "active" || v["suspension"] != nil || v["profileStatus"] != "draft" ||
		v["fieldOffice"] != "Newark Field Office" || v["role"] != "owner" ||
		spv == nil || spv["name"] != sp.Name || spv["email"] != sp.Email {
		t.Errorf("account view = %v; want the specialist %s <%s>, the field office, due date and status", v, sp.Name, sp.Email)
	}

	// Staff who see it read it too; nobody else does.
	if v := e.must(e.call("GET", "/v1/accounts/"+id, w.scss, nil), 200).JSON(); v["role"] != nil || v["name"] != "Acme Rail" {
		t.Errorf("the assigned specialist's view = %v", v)
	}
	_, _, stranger := e.person("stranger", "")
	for name, tok := range map[string]string{"another organisation's user": stranger, "another specialist": w.otherSCSS, "the first account's owner": w.owner} {
		if r := e.call("GET", "/v1/accounts/"+id, tok, nil); r.Status != 404 {
			t.Errorf("%s reads the account = %d; want 404", name, r.Status)
		}
	}
	if r := e.call("GET", "/v1/accounts/"+id, "", nil); r.Status != 401 {
		t.Errorf("without a session = %d; want 401", r.Status)
	}

	// An account in the shared pool has no specialist to call.
	pool := e.world(false)
	if v := e.must(e.call("GET", "/v1/accounts/"+pool.accountID, pool.user, nil), 200).JSON(); v["specialist"] != nil || v["role"] != "user" {
		t.Errorf("pooled account view = %v; want specialist null", v)
	}
}

// FuzzAccountRequest decodes and validates arbitrary account requests (the
// field office among them): no panic, every rejection a 400 naming fields,
// every acceptance a clean field office of at most MaxFieldOffice
// characters.
func FuzzAccountRequest(f *testing.F) {
	f.Add([]byte(`{"name":"Acme","entityType":"importer","programs":["ctpat_security"],"ownerEmail":"o@acme.example","fieldOffice":"Newark Field Office"}`))
	f.Add([]byte(`{"name":"Acme","entityType":"importer","programs":["ctpat_security"],"ownerEmail":"o@acme.example","fieldOffice":"New\u202eark"}`))
	f.Add([]byte(`{"fieldOffice":7}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req accounts.AccountRequest
		if err := httpapi.DecodeJSONBody(bytes.NewReader(body), &req); err != nil {
			if fault.As(err).Kind == fault.Internal {
				t.Fatalf("decode(%q) = %v", body, err)
			}
			return
		}
		na, err := req.Validate()
		if err != nil {
			fe := fault.As(err)
			if fe.Kind != fault.Invalid || len(fe.Details) == 0 || !strings.HasPrefix(fe.Code, "invalid_") {
				t.Fatalf("Validate(%q) = %v; want a 400 naming fields", body, err)
			}
			return
		}
		if na.FieldOffice != strings.Join(strings.Fields(na.FieldOffice), " ") || utf8.RuneCountInString(na.FieldOffice) > accounts.MaxFieldOffice {
			t.Fatalf("Validate(%q) accepted field office %q", body, na.FieldOffice)
		}
	})
}
