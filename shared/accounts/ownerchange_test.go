package accounts_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
)

func TestValidators(t *testing.T) {
	today := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in   string
		want bool
	}{{"12-3456789", true}, {"123456789", false}, {"12-345678", false}, {"AB-3456789", false}, {"00-0000000", false}, {" 12-3456789", false}} {
		if got := accounts.ValidEIN(tt.in); got != tt.want {
			t.Errorf("ValidEIN(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		in   string
		want bool
	}{{"12/31", true}, {"02/29", true}, {"02/30", false}, {"04/31", false}, {"13/01", false}, {"1/31", false}, {"12-31", false}, {"00/10", false}} {
		if got := accounts.ValidFiscalYearEnd(tt.in); got != tt.want {
			t.Errorf("ValidFiscalYearEnd(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"1980-05-17", true}, {"1900-01-01", true}, {"1899-12-31", false}, {"2008-11-24", true}, {"2008-11-25", false},
		{"2026-11-24", false}, {"2030-01-01", false}, {"1980-02-30", false}, {"17/05/1980", false},
	} {
		if got := accounts.ValidDateOfBirth(tt.in, today); got != tt.want {
			t.Errorf("ValidDateOfBirth(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
	// Born on 29 February: of age on 1 March of a common year.
	for _, tt := range []struct {
		today time.Time
		want  bool
	}{{time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC), false}, {time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), true}, {time.Date(2026, 3, 1, 23, 59, 0, 0, time.UTC), true}} {
		if got := accounts.ValidDateOfBirth("2008-02-29", tt.today); got != tt.want {
			t.Errorf("ValidDateOfBirth(2008-02-29) on %s = %v; want %v", tt.today.Format(time.DateOnly), got, tt.want)
		}
	}
	for _, tt := range []struct {
		in   string
		want bool
	}{{"PF-12345", true}, {"2001A", true}, {"A1B", true}, {"AB", false}, {"ABCDEF", false}, {"PF--1", false}, {"-PF1", false}, {"PF1-", false},
		{"pf-1234", false}, {"PF 1234", false}, {"123456789012345678901", false}} {
		if got := accounts.ValidProtestFilerNumber(tt.in); got != tt.want {
			t.Errorf("ValidProtestFilerNumber(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		in   string
		want bool
	}{{"+1 (202) 555-0143", true}, {"202.555.0143", true}, {"555-01", false}, {"+1 202 555 0143 ext 9", false}, {"++12025550143", false}, {"1234567890123456", false}} {
		if got := accounts.ValidPhone(tt.in); got != tt.want {
			t.Errorf("ValidPhone(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"PO Box 123", true}, {"P.O. Box 123", true}, {"p o box 9", true}, {"POB 77", true}, {"P.O.B. 12", true},
		{"Post Office Box 5", true}, {"Postal Box 8", true}, {"pobox 4", true}, {"Box 12", true}, {"PO #12", true}, {"P.O. 123", true},
		{"1200 Harbor Blvd", false}, {"15 Boxwood Lane", false}, {"7 Post Office Road", false}, {"22 Pond Street", false}, {"Apt 4B", false},
		{"9 Poplar Ave", false}, {"500 Pobst Drive", false},
	} {
		if got := accounts.IsPOBox(tt.in); got != tt.want {
			t.Errorf("IsPOBox(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func goodApplication() map[string]any {
	return map[string]any{
		"ein": "12-3456789", "companyName": "Acme Imports LLC", "fiscalYearEnd": "12/31",
		"address": map[string]string{"street": "1200 Harbor Blvd", "city": "Long Beach", "state": "CA", "postalCode": "90802", "country": "us"},
		"newOwner": map[string]string{"firstName": "Nora", "middleName": "Jane", "lastName": "Newowner", "dateOfBirth": "1980-05-17",
			"phone": "+1 (562) 555-0143", "phoneExtension": "204", "fax": "+1 562 555 0199", "legacyLoginId": "nnewowner", "email": testenv.Email("newao")},
		"newRole": "owner", "previousOwner": "user",
		"justification": "Our previous account owner retired in October; Nora now runs trade compliance.",
	}
}

// TestOwnerChangeJourney: every field wrong, then right, then decided.
func TestOwnerChangeJourney(t *testing.T) {
	e := newEnv(t)
	w := e.world(true)
	bad := map[string]any{
		"ein": "123456789", "companyName": "", "fiscalYearEnd": "02/30",
		"address": map[string]string{"street": "P.O. Box 42", "city": "", "postalCode": "", "country": "USA"},
		"newOwner": map[string]string{"firstName": "", "middleName": "J\u202e", "lastName": "", "dateOfBirth": "2010-01-01", "phone": "12",
			"phoneExtension": "12a", "fax": "1", "legacyLoginId": "no spaces!", "email": "nope"},
		"newRole": "king", "justification": "short",
	}
	r := e.call("POST", "/v1/accounts/"+w.accountID+"/owner-change-requests", w.user, bad)
	var body struct {
		Error struct {
			Code    string         `json:"code"`
			Details []fault.Detail `json:"details"`
		} `json:"error"`
	}
	if err := jsonUnmarshal(r.Body, &body); err != nil || r.Status != 400 || body.Error.Code != "invalid_ein" {
		t.Fatalf("every field wrong = %d %s; want 400 invalid_ein", r.Status, r.Body)
	}
	var named []string
	for _, d := range body.Error.Details {
		named = append(named, d.Field)
	}
	want := "ein,companyName,fiscalYearEnd,address.street,address.city,address.postalCode,address.country,newOwner.firstName,newOwner.middleName," +
		"newOwner.lastName,newOwner.dateOfBirth,newOwner.phone,newOwner.phoneExtension,newOwner.fax,newOwner.legacyLoginId,newOwner.email,newRole,justification"
	if strings.Join(named, ",") != want {
		t.Errorf("fields named = %v\nwant %s", named, want)
	}
	// The company identifier: exactly one of the two; the previous owner's
	// fate only for a new owner.
	for _, c := range []struct {
		name   string
		change func(map[string]any)
		want   string
	}{
		{"no identifier", func(a map[string]any) { delete(a, "ein") }, "ein,protestFilerNumber"},
		{"both identifiers", func(a map[string]any) { a["protestFilerNumber"] = "PF-12345" }, "ein,protestFilerNumber"},
		{"bad protest filer number", func(a map[string]any) { delete(a, "ein"); a["protestFilerNumber"] = "PF" }, "protestFilerNumber"},
		{"owner without the previous owner's fate", func(a map[string]any) { delete(a, "previousOwner") }, "previousOwner"},
		{"unknown fate", func(a map[string]any) { a["previousOwner"] = "exile" }, "previousOwner"},
		{"a POC with a fate", func(a map[string]any) { a["newRole"] = "poc" }, "previousOwner"},
		{"born before 1900", func(a map[string]any) { a["newOwner"].(map[string]string)["dateOfBirth"] = "1899-12-31" }, "newOwner.dateOfBirth"},
		{"the old single name", func(a map[string]any) { a["newOwner"].(map[string]string)["name"] = "Nora Newowner" }, "name"},
	} {
		app := goodApplication()
		c.change(app)
		r := e.call("POST", "/v1/accounts/"+w.accountID+"/owner-change-requests", w.user, app)
		if got := strings.Join(fields(t, r), ","); r.Status != 400 || got != c.want {
			t.Errorf("%s = %d %s; want 400 naming %s", c.name, r.Status, r.Body, c.want)
		}
	}
	if list := e.must(e.call("GET", "/v1/owner-change-requests", w.admin, nil), 200).JSON()["requests"].([]any); len(list) != 0 {
		t.Fatalf("requests after refused applications = %v; want none", list)
	}
	app := goodApplication()
	newAO := app["newOwner"].(map[string]string)["email"]
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/owner-change-requests", w.user, app), 202)

	if r := e.call("GET", "/v1/owner-change-requests", w.scss, nil); r.Status != 403 {
		t.Errorf("an SCSS lists requests = %d; want 403 (admins decide)", r.Status)
	}
	list := e.must(e.call("GET", "/v1/owner-change-requests?status=pending", w.admin, nil), 200).JSON()["requests"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["application"].(map[string]any)["address"].(map[string]any)["country"] != "US" {
		t.Fatalf("pending requests = %v", list)
	}
	id := list[0].(map[string]any)["id"].(string)
	if r := e.call("POST", "/v1/owner-change-requests/"+id+"/decision", w.owner, map[string]string{"decision": "approve"}); r.Status != 403 {
		t.Errorf("the AO decides = %d; want 403", r.Status)
	}
	if r := e.call("POST", "/v1/owner-change-requests/"+id+"/decision", w.admin, map[string]string{"decision": "maybe"}); r.Status != 400 {
		t.Errorf("unknown decision = %d; want 400", r.Status)
	}
	e.must(e.call("POST", "/v1/owner-change-requests/"+id+"/decision", w.admin, map[string]string{"decision": "approve", "comment": "Verified by phone."}), 204)
	if r := e.call("POST", "/v1/owner-change-requests/"+id+"/decision", w.admin, map[string]string{"decision": "reject"}); r.Status != 409 {
		t.Errorf("deciding twice = %d; want 409", r.Status)
	}
	// Both sides hear: the applicant gets the decision, the new AO an invitation as owner.
	applicant := testenv.WaitMails(t, w.userEmail, 2)
	if len(applicant) != 2 || !strings.Contains(applicant[1].Subject, "approved") || !strings.Contains(applicant[1].Body.Text, "Verified by phone.") {
		t.Errorf("applicant mails = %+v", applicant)
	}
	tok := e.invitation(newAO, 1)
	e.signUp(newAO, "")
	m := e.must(e.call("POST", "/v1/invitations/"+tok+"/accept", e.signIn(newAO), nil), 200).JSON()["membership"].(map[string]any)
	if m["role"] != "owner" || m["accountId"] != w.accountID {
		t.Errorf("new AO membership = %v", m)
	}
	if list := e.must(e.call("GET", "/v1/owner-change-requests?status=approved", w.admin, nil), 200).JSON()["requests"].([]any); len(list) != 1 {
		t.Errorf("approved requests = %d; want 1", len(list))
	}
}

// FuzzOwnerChangeApplication decodes and validates arbitrary applications:
// no panic, every rejection a 400 naming fields, every acceptance valid by
// each validator.
func FuzzOwnerChangeApplication(f *testing.F) {
	f.Add([]byte(`{"ein":"12-3456789","companyName":"A","fiscalYearEnd":"12/31","address":{"street":"1 Main St","city":"X","postalCode":"1","country":"US"},"newOwner":{"firstName":"N","lastName":"O","dateOfBirth":"1980-01-01","phone":"5555555555","email":"a@b.example"},"newRole":"owner","previousOwner":"leave","justification":"twenty characters ok!"}`))
	f.Add([]byte(`{"protestFilerNumber":"pf-1","companyName":"A","fiscalYearEnd":"02/29","address":{"street":"1 Main St","city":"X","postalCode":"1","country":"US"},"newOwner":{"firstName":"N","middleName":"Q","lastName":"O","dateOfBirth":"2008-02-29","phone":"5555555555","phoneExtension":"1","fax":"5555555","legacyLoginId":"a.b","email":"a@b.example"},"newRole":"poc","justification":"twenty characters ok!"}`))
	f.Add([]byte(`{"address":{"street":"P.O. Box 1"},"newOwner":{"dateOfBirth":"0000-00-00"}}`))
	f.Add([]byte(`{"ein":"12-3456789","protestFilerNumber":"X-1","fiscalYearEnd":"02/29","newOwner":{"phone":"+++","phoneExtension":"x"},"newRole":"poc","previousOwner":"user"}`))
	today := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		var a accounts.OwnerChangeApplication
		if err := httpapi.DecodeJSONBody(bytes.NewReader(body), &a); err != nil {
			if fault.As(err).Kind == fault.Internal {
				t.Fatalf("decode(%q) = %v", body, err)
			}
			return
		}
		got, err := a.Validate(today)
		if err != nil {
			fe := fault.As(err)
			if fe.Kind != fault.Invalid || len(fe.Details) == 0 || !strings.HasPrefix(fe.Code, "invalid_") {
				t.Fatalf("Validate(%q) = %v; want a 400 naming fields", body, err)
			}
			return
		}
		identified := (got.EIN != "") != (got.ProtestFilerNumber != "") &&
			(got.EIN == "" || accounts.ValidEIN(got.EIN)) && (got.ProtestFilerNumber == "" || accounts.ValidProtestFilerNumber(got.ProtestFilerNumber))
		role := (got.NewRole == accounts.Owner && (got.PreviousOwner == accounts.PreviousOwnerUser || got.PreviousOwner == accounts.PreviousOwnerLeave)) ||
			(got.NewRole == accounts.POC && got.PreviousOwner == "")
		no := got.NewOwner
		if !identified || !role || !accounts.ValidFiscalYearEnd(got.FiscalYearEnd) || accounts.IsPOBox(got.Address.Street) ||
			accounts.IsPOBox(got.Address.Street2) || !accounts.ValidDateOfBirth(no.DateOfBirth, today) || !accounts.ValidPhone(no.Phone) ||
			(no.Fax != "" && !accounts.ValidPhone(no.Fax)) || no.FirstName == "" || no.LastName == "" || no.Email == "" {
			t.Fatalf("accepted %+v", got)
		}
	})
}

// TestOwnerChangeNoticeAndSameAnswer: filing tells the account's owners by
// email; an unknown account id gets the very same answer and stores and
// mails nothing; a rejected applicant's decision mail does not name the
// account.
func TestOwnerChangeNoticeAndSameAnswer(t *testing.T) {
	e := newEnv(t)
	w := e.world(false)
	applicantEmail, _ := testenv.Person(t, e.d, "applicant", "") // not a member of the account
	applicant := e.signIn(applicantEmail)
	app := goodApplication()
	filed := e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/owner-change-requests", applicant, app), 202)
	unknown := e.must(e.call("POST", "/v1/accounts/"+w.accountID+"x/owner-change-requests", applicant, goodApplication()), 202)
	if !bytes.Equal(filed.Body, unknown.Body) {
		t.Errorf("answers differ: known account %s, unknown %s", filed.Body, unknown.Body)
	}

	// The owner hears of it (after the invitation that made them owner); the user does not.
	notice := testenv.WaitMails(t, w.ownerEmail, 2)
	if len(notice) != 2 || !strings.Contains(notice[1].Subject, "Acme Imports") || !strings.Contains(notice[1].Body.Text, applicantEmail) ||
		!strings.Contains(notice[1].Body.Text, "Nora Jane Newowner") || !strings.Contains(notice[1].Body.HTML, applicantEmail) {
		t.Errorf("owner mails = %+v; want the notice of the application", notice)
	}
	if got := testenv.MailsTo(t, w.userEmail); len(got) != 1 {
		t.Errorf("the account's user got %d mails; want only the invitation", len(got))
	}
	list := e.must(e.call("GET", "/v1/owner-change-requests?status=pending", w.admin, nil), 200).JSON()["requests"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["accountId"] != w.accountID {
		t.Fatalf("pending requests = %v; want only the one for the real account", list)
	}

	// Rejected: the applicant is not told the account's name.
	id := list[0].(map[string]any)["id"].(string)
	e.must(e.call("POST", "/v1/owner-change-requests/"+id+"/decision", w.admin, map[string]string{"decision": "reject", "comment": "Not known to us."}), 204)
	decided := testenv.WaitMails(t, applicantEmail, 1)
	if len(decided) != 1 || !strings.Contains(decided[0].Subject, "rejected") || !strings.Contains(decided[0].Body.Text, "Not known to us.") {
		t.Fatalf("applicant mails = %+v; want the rejection", decided)
	}
	for part, text := range map[string]string{"subject": decided[0].Subject, "text": decided[0].Body.Text, "html": decided[0].Body.HTML} {
		if strings.Contains(text, "Acme Imports") {
			t.Errorf("the rejection's %s names the account: %q", part, text)
		}
	}
}
