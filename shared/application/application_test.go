package application_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
)

// TestApplicationJourney: a person signs up through the real verification
// mail, applies for their company, an admin approves with a specialist, the
// applicant is mailed and then, signed in, sees the account in /v1/me as
// its owner and reads its users, organisation and profile; the account is
// stored with the company's name, entity type and programmes, the
// specialist, one owner and a first review due a year from the decision.
func TestApplicationJourney(t *testing.T) {
	e := newEnv(t)
	email, userID, tok := e.partner("applicant")
	adminID, admin := e.staff("admin", identity.Admin)
	scssID, _ := e.staff("scss", identity.SCSS)

	app := goodApplication(" 12" + randomEIN()[2:] + " ")
	app["programs"] = []string{"ctpat_security", "ctpat_trade_compliance", "ctpat_security"}
	created := e.must(e.call("POST", "/v1/applications", tok, app), 201).JSON()
	id, _ := created["id"].(string)
	if id == "" || created["status"] != "pending" || len(created) != 2 {
		t.Fatalf("POST /v1/applications = %v; want {id, status:pending}", created)
	}
	mine := e.must(e.call("GET", "/v1/applications/mine", tok, nil), 200).JSON()["applications"].([]any)
	if len(mine) != 1 || mine[0].(map[string]any)["id"] != id {
		t.Fatalf("mine = %v; want the one application", mine)
	}
	got := e.must(e.call("GET", "/v1/applications/"+id, tok, nil), 200).JSON()
	company := got["company"].(map[string]any)
	address := company["address"].(map[string]any)
	contact := got["contact"].(map[string]any)
	if company["ein"] != strings.TrimSpace(app["company"].(map[string]any)["ein"].(string)) || address["country"] != "US" ||
		contact["email"] != "casey.contact@harbor.example" || got["applicantEmail"] != email || got["attestation"] != true ||
		strings.Join(toStrings(got["programs"]), ",") != "ctpat_security,ctpat_trade_compliance" {
		t.Errorf("the stored application = %v", got)
	}
	_, _, other := e.partner("other")
	if r := e.call("GET", "/v1/applications/"+id, other, nil); r.Status != 404 || r.Code() != "application_not_found" {
		t.Errorf("another partner reads it = %d %s; want 404", r.Status, r.Body)
	}

	queue := e.must(e.call("GET", "/v1/applications?status=pending", admin, nil), 200).JSON()["applications"].([]any)
	if len(queue) != 1 || queue[0].(map[string]any)["id"] != id {
		t.Fatalf("pending applications = %v", queue)
	}
	before := time.Now().UTC()
	decided := e.must(e.call("POST", "/v1/applications/"+id+"/decision", admin,
		map[string]string{"decision": "approve", "comment": "Welcome aboard.", "specialistId": scssID}), 200).JSON()
	accountID, _ := decided["accountId"].(string)
	orgID, _ := decided["organizationId"].(string)
	if decided["status"] != "approved" || accountID == "" || orgID == "" || decided["decidedBy"] != adminID {
		t.Fatalf("decision = %v", decided)
	}
	if r := e.call("POST", "/v1/applications/"+id+"/decision", admin, map[string]string{"decision": "reject", "comment": "again"}); r.Status != 409 || r.Code() != "already_decided" {
		t.Errorf("a second decision = %d %s; want 409 already_decided", r.Status, r.Body)
	}

	mails := testenv.WaitMails(t, email, 2)
	if len(mails) != 2 || !strings.Contains(mails[1].Subject, "approved") || !strings.Contains(mails[1].Body.Text, e.url+"/applications\n") ||
		!strings.Contains(mails[1].Body.HTML, `href="`+e.url+`/applications"`) || !strings.Contains(mails[1].Body.Text, "Harbor Lights Imports LLC") {
		t.Fatalf("the approval mail = %+v", mails[len(mails)-1])
	}

	// The applicant signs in again, as they would after the mail.
	tok = testenv.SignIn(t, e.url, email, testenv.Password)
	me := e.must(e.call("GET", "/v1/me", tok, nil), 200).JSON()
	ms := me["memberships"].([]any)
	if len(ms) != 1 {
		t.Fatalf("memberships = %v; want the new account", ms)
	}
	m := ms[0].(map[string]any)
	if m["accountId"] != accountID || m["organizationId"] != orgID || m["role"] != "owner" || m["accountName"] != "Harbor Lights Imports LLC" ||
		m["organizationName"] != "Harbor Lights Imports LLC" || strings.Join(toStrings(m["programs"]), ",") != "ctpat_security,ctpat_trade_compliance" {
		t.Errorf("membership = %v", m)
	}
	users := e.must(e.call("GET", "/v1/accounts/"+accountID+"/users", tok, nil), 200).JSON()["users"].([]any)
	if len(users) != 1 || users[0].(map[string]any)["userId"] != userID || users[0].(map[string]any)["role"] != "owner" {
		t.Errorf("account users = %v", users)
	}
	org := e.must(e.call("GET", "/v1/organizations/"+orgID, tok, nil), 200).JSON()
	if accs := org["accounts"].([]any); len(accs) != 1 || accs[0].(map[string]any)["id"] != accountID {
		t.Errorf("organisation = %v", org)
	}
	profile := e.must(e.call("GET", "/v1/accounts/"+accountID+"/profile", tok, nil), 200).JSON()
	if crit, _ := profile["criteria"].([]any); len(crit) == 0 {
		t.Errorf("profile = %v; want the importer's criteria", profile)
	}
	e.must(e.call("POST", "/v1/accounts/"+accountID+"/invitations", tok, map[string]string{"email": testenv.Email("colleague"), "role": "user"}), 201)

	acc := itemWithSK(e.items("ACCOUNT#"+accountID), "ACCOUNT")
	due := before.AddDate(1, 0, 0).Format(time.DateOnly)
	if acc["name"] != "Harbor Lights Imports LLC" || acc["entityType"] != "importer" || acc["specialistId"] != scssID ||
		acc["reviewDueDate"] != due || acc["GSI3PK"] != "DUE#"+due || acc["owners"] != float64(1) ||
		strings.Join(toStrings(acc["contacts"]), ",") != email {
		t.Errorf("account item = %v; want the company's account, due %s, one owner", acc, due)
	}
	if locks := e.items("APPLOCK#ctpat_security#ein:" + company["ein"].(string)); len(locks) != 0 {
		t.Errorf("the open lock outlived the decision: %v", locks)
	}
	events, err := e.d.Audit.ForAccount(context.Background(), accountID, "", 10)
	if n := len(events.Events); err != nil || n != 2 || events.Events[n-1].Action != "application_approved" || events.Events[n-1].ActorID != adminID ||
		events.Events[n-1].Details["from"] != "pending" || events.Events[n-1].Details["to"] != "approved" || events.Events[n-1].Details["applicationId"] != id {
		t.Errorf("account audit = %+v, %v; want the approval, from pending to approved, then the invitation", events.Events, err)
	}
	// The applicant sees the decision, not which admin made it.
	seen := e.must(e.call("GET", "/v1/applications/"+id, tok, nil), 200).JSON()
	if seen["status"] != "approved" || seen["accountId"] != accountID || seen["decidedBy"] != nil {
		t.Errorf("the applicant's view = %v", seen)
	}
}

// TestApplicationRejected: a rejection needs a comment, mails it, releases
// the company's lock (the company may apply again) and is audited.
func TestApplicationRejected(t *testing.T) {
	e := newEnv(t)
	email, userID, tok := e.partner("rejected")
	adminID, admin := e.staff("admin", identity.Admin)
	ein := randomEIN()
	id := e.must(e.call("POST", "/v1/applications", tok, goodApplication(ein)), 201).JSON()["id"].(string)
	if r := e.call("POST", "/v1/applications", tok, goodApplication(ein)); r.Status != 409 || r.Code() != "application_open" {
		t.Fatalf("a second application while one is open = %d %s; want 409 application_open", r.Status, r.Body)
	}
	r := e.call("POST", "/v1/applications/"+id+"/decision", admin, map[string]string{"decision": "reject", "comment": "  "})
	if r.Status != 400 || r.Code() != "invalid_comment" {
		t.Fatalf("reject without a comment = %d %s; want 400 invalid_comment", r.Status, r.Body)
	}
	reason := "The EIN does not match the legal name on file."
	e.must(e.call("POST", "/v1/applications/"+id+"/decision", admin, map[string]string{"decision": "reject", "comment": reason}), 200)
	mails := testenv.WaitMails(t, email, 2)
	if len(mails) != 2 || !strings.Contains(mails[1].Subject, "not approved") || !strings.Contains(mails[1].Body.Text, reason) ||
		!strings.Contains(mails[1].Body.HTML, `href="`+e.url+`/applications"`) {
		t.Fatalf("the rejection mail = %+v", mails[len(mails)-1])
	}
	if got := e.must(e.call("GET", "/v1/applications/"+id, tok, nil), 200).JSON(); got["status"] != "rejected" || got["comment"] != reason {
		t.Errorf("after rejection = %v", got)
	}
	if me := e.must(e.call("GET", "/v1/me", tok, nil), 200).JSON(); len(me["memberships"].([]any)) != 0 {
		t.Errorf("a rejected applicant has memberships: %v", me["memberships"])
	}
	page, err := e.d.Audit.ForUser(context.Background(), userID, "", 20)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range page.Events {
		actions = append(actions, ev.Action)
		if ev.Action == "application_rejected" && (ev.ActorID != adminID || ev.Details["comment"] != reason || ev.Details["to"] != "rejected") {
			t.Errorf("rejection event = %+v", ev)
		}
	}
	if !slices.Contains(actions, "application_submitted") || !slices.Contains(actions, "application_rejected") {
		t.Errorf("the applicant's audit = %v; want the submission and the rejection", actions)
	}
	e.must(e.call("POST", "/v1/applications", tok, goodApplication(ein)), 201)
}

// toStrings is a JSON list or a string set, sorted.
func toStrings(v any) []string {
	var out []string
	switch l := v.(type) {
	case []string:
		out = append(out, l...)
	case []any:
		for _, x := range l {
			s, _ := x.(string)
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

func itemWithSK(items []map[string]any, sk string) map[string]any {
	for _, it := range items {
		if it["SK"] == sk {
			return it
		}
	}
	return nil
}
