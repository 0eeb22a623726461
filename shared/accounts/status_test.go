package accounts_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/store"
)

const suspendReason = "Suspended due to a change in your company's C-TPAT status"

// TestAccountSuspension: an admin suspends an account; its members still
// read everything but every change, whatever the route, is 403
// account_suspended with the reason, and nothing changes; staff still act;
// the account is out of the reminder job; its owners are mailed. Reinstated,
// everything works again and the reminder goes out.
func TestAccountSuspension(t *testing.T) {
	e := newEnv(t)
	w := e.world(true)
	acc := "/v1/accounts/" + w.accountID
	// An invitation sent before the suspension, and a member staff will remove.
	invitee := testenv.Email("invitee")
	e.must(e.call("POST", acc+"/invitations", w.owner, map[string]string{"email": invitee, "role": "poc"}), 201)
	inviteTok := e.invitation(invitee, 1)
	leaverEmail, leaverID, _ := e.person("leaver", "")
	if err := e.d.Accounts.AddMember(context.Background(), w.accountID, leaverID, leaverEmail, accounts.User); err != nil {
		t.Fatal(err)
	}
	version := e.must(e.call("GET", acc+"/profile", w.user, nil), 200).JSON()["criteria"].([]any)[0].(map[string]any)["draft"].(map[string]any)["version"]

	// Bad input and the wrong people change nothing.
	for _, body := range []any{map[string]string{"reason": ""}, map[string]string{"reason": "a\u202ereason"},
		map[string]string{"reason": strings.Repeat("x", accounts.MaxReason+1)}, map[string]int{"reason": 1}} {
		if r := e.call("POST", acc+"/suspend", w.admin, body); r.Status != 400 || !strings.HasPrefix(r.Code(), "invalid_") || !strings.Contains(string(r.Body), "reason") {
			t.Errorf("suspend with %v = %d %s; want 400 naming reason", body, r.Status, r.Body)
		}
	}
	for name, tok := range map[string]string{"owner": w.owner, "user": w.user, "assigned specialist": w.scss} {
		if r := e.call("POST", acc+"/suspend", tok, map[string]string{"reason": suspendReason}); r.Status != 403 {
			t.Errorf("the %s suspends = %d; want 403 (admins only)", name, r.Status)
		}
	}
	if r := e.call("POST", "/v1/accounts/nope/suspend", w.admin, map[string]string{"reason": suspendReason}); r.Status != 404 {
		t.Errorf("suspending an unknown account = %d; want 404", r.Status)
	}
	if r := e.call("POST", acc+"/reinstate", w.admin, map[string]string{"reason": "not suspended"}); r.Status != 409 || r.Code() != "not_suspended" {
		t.Errorf("reinstating an active account = %d %s; want 409 not_suspended", r.Status, r.Body)
	}
	if a := e.account(w.accountID); a.State() != account.StatusActive || a.GSI3PK != "DUE#2027-03-31" {
		t.Fatalf("after refused changes the account = %+v; want active, in the due-date index", a)
	}
	if got := testenv.MailsTo(t, w.ownerEmail); len(got) != 1 {
		t.Errorf("the owner got %d mails before the suspension; want only the invitation", len(got))
	}

	e.must(e.call("POST", acc+"/suspend", w.admin, map[string]string{"reason": suspendReason}), 204)
	if r := e.call("POST", acc+"/suspend", w.admin, map[string]string{"reason": suspendReason}); r.Status != 409 || r.Code() != "already_suspended" {
		t.Errorf("suspending twice = %d %s; want 409 already_suspended", r.Status, r.Body)
	}
	a := e.account(w.accountID)
	if !a.IsSuspended() || a.SuspendedReason != suspendReason || a.GSI3PK != "" {
		t.Errorf("suspended account = %+v; want suspended with the reason, out of the due-date index", a)
	}
	if due, err := account.DueOn(context.Background(), e.d.Store, "2027-03-31"); err != nil || len(due) != 0 {
		t.Errorf("accounts due 2027-03-31 = %v, %v; want none while suspended", due, err)
	}
	mails := testenv.WaitMails(t, w.ownerEmail, 2)
	if len(mails) != 2 || !strings.Contains(mails[1].Subject, "suspended") || !strings.Contains(mails[1].Body.Text, suspendReason) ||
		!strings.Contains(mails[1].Body.Text, e.url+"/accounts/"+w.accountID) {
		t.Errorf("owner mails = %+v; want the suspension with the reason and the account page", mails)
	}
	if got := testenv.MailsTo(t, w.userEmail); len(got) != 1 {
		t.Errorf("the user got %d mails; want only their invitation (owners are told)", len(got))
	}

	// Reads still work.
	for _, c := range []struct{ tok, path string }{
		{w.user, acc}, {w.user, acc + "/profile"}, {w.user, "/v1/organizations/" + w.orgID}, {w.user, acc + "/documents"},
		{w.owner, acc + "/users"}, {w.owner, acc + "/audit"}, {w.user, acc + "/profile/criteria/vision.1/versions"},
	} {
		if r := e.call("GET", c.path, c.tok, nil); r.Status != 200 {
			t.Errorf("GET %s while suspended = %d %s; want 200", c.path, r.Status, r.Body)
		}
	}
	view := e.must(e.call("GET", acc, w.user, nil), 200).JSON()
	if view["status"] != "suspended" || view["suspension"].(map[string]any)["reason"] != suspendReason {
		t.Errorf("account view = %v; want suspended with the reason", view)
	}

	// Every member write, route family by route family, is refused.
	writes := []struct {
		name, method, path, tok string
		body                    any
	}{
		{"profile save", "PUT", acc + "/profile/criteria/vision.1", w.user, map[string]any{"answer": "yes", "narrative": "x", "version": version}},
		{"evidence upload", "POST", acc + "/profile/criteria/vision.1/evidence", w.user, map[string]any{"fileName": "a.pdf", "contentType": "application/pdf", "size": 100}},
		{"evidence delete", "DELETE", acc + "/profile/criteria/vision.1/evidence/nope", w.user, nil},
		{"submit", "POST", acc + "/profile/submit", w.user, nil},
		{"annual review", "POST", acc + "/annual-reviews", w.owner, nil},
		{"invitation", "POST", acc + "/invitations", w.owner, map[string]string{"email": testenv.Email("late"), "role": "user"}},
		{"role change", "PUT", acc + "/users/" + w.userID + "/role", w.owner, map[string]string{"role": "poc"}},
		{"deactivation", "POST", acc + "/users/" + w.userID + "/deactivate", w.owner, nil},
		{"owner change", "POST", acc + "/owner-change-requests", w.user, goodApplication()},
	}
	for _, c := range writes {
		r := e.call(c.method, c.path, c.tok, c.body)
		if r.Status != 403 || r.Code() != "account_suspended" || !strings.Contains(string(r.Body), suspendReason) {
			t.Errorf("%s while suspended = %d %s; want 403 account_suspended with the reason", c.name, r.Status, r.Body)
		}
	}
	e.signUp(invitee, "")
	if r := e.call("POST", "/v1/invitations/"+inviteTok+"/accept", e.signIn(invitee), nil); r.Status != 403 || r.Code() != "account_suspended" {
		t.Errorf("accepting an invitation while suspended = %d %s; want 403 account_suspended", r.Status, r.Body)
	}
	// Nothing changed.
	users := e.must(e.call("GET", acc+"/users", w.owner, nil), 200).JSON()["users"].([]any)
	roles := map[string]string{}
	for _, u := range users {
		roles[u.(map[string]any)["email"].(string)] = u.(map[string]any)["role"].(string)
	}
	if len(roles) != 3 || roles[w.userEmail] != "user" || roles[invitee] != "" {
		t.Errorf("users after refused writes = %v; want the owner, the user and the leaver, unchanged", roles)
	}
	crit := e.must(e.call("GET", acc+"/profile", w.user, nil), 200).JSON()["criteria"].([]any)[0].(map[string]any)["draft"].(map[string]any)
	if crit["version"] != version || crit["answer"] != "" {
		t.Errorf("criterion after a refused save = %v; want unchanged", crit)
	}
	if list := e.must(e.call("GET", "/v1/owner-change-requests", w.admin, nil), 200).JSON()["requests"].([]any); len(list) != 0 {
		t.Errorf("owner-change requests after a refused one = %v", list)
	}

	// Staff still act on it; the reminder job passes it by.
	e.must(e.call("POST", acc+"/users/"+leaverID+"/deactivate", w.scss, nil), 204)
	run := e.must(e.call("POST", "/v1/jobs/annual-review-reminders", w.admin, map[string]string{"asOf": "2026-12-31"}), 200).JSON()
	if run["sent"] != 0.0 {
		t.Errorf("reminder run while suspended = %v; want nothing sent", run)
	}

	// Reinstated: writes work again, the reminder goes out, the owner hears.
	if r := e.call("POST", acc+"/reinstate", w.owner, map[string]string{"reason": "x"}); r.Status != 403 {
		t.Errorf("the owner reinstates = %d; want 403", r.Status)
	}
	e.must(e.call("POST", acc+"/reinstate", w.admin, map[string]string{"reason": "Status restored after validation"}), 204)
	if a := e.account(w.accountID); a.State() != account.StatusActive || a.GSI3PK != "DUE#2027-03-31" || a.SuspendedReason != "" {
		t.Errorf("reinstated account = %+v; want active, back in the due-date index", a)
	}
	e.must(e.call("PUT", acc+"/profile/criteria/vision.1", w.user, map[string]any{"answer": "yes", "narrative": "x", "version": version}), 200)
	e.must(e.call("POST", "/v1/invitations/"+inviteTok+"/accept", e.signIn(invitee), nil), 200)
	run = e.must(e.call("POST", "/v1/jobs/annual-review-reminders", w.admin, map[string]string{"asOf": "2026-12-31"}), 200).JSON()
	if run["sent"] != 1.0 {
		t.Errorf("reminder run after the reinstatement = %v; want the account reminded", run)
	}
	mails = testenv.WaitMails(t, w.ownerEmail, 4)
	if len(mails) != 4 || !strings.Contains(mails[2].Subject, "reinstated") || !strings.Contains(mails[2].Body.Text, "Status restored after validation") {
		t.Errorf("owner mails = %+v; want the reinstatement, then the reminder", mails)
	}
	events := e.must(e.call("GET", acc+"/audit", w.owner, nil), 200).JSON()["events"].([]any)
	var found []string
	for _, ev := range events {
		ev := ev.(map[string]any)
		d, _ := ev["details"].(map[string]any)
		switch ev["action"] {
		case "account_suspended":
			if d["reason"] == suspendReason && d["before"] == "active" && d["after"] == "suspended" {
				found = append(found, "suspended")
			}
		case "account_reinstated":
			if d["before"] == "suspended" && d["after"] == "active" {
				found = append(found, "reinstated")
			}
		}
	}
	if !slices.Contains(found, "suspended") || !slices.Contains(found, "reinstated") {
		t.Errorf("audit = %v; want both changes with reason, before and after", events)
	}
}

// FuzzStatusRequest decodes and validates arbitrary bodies: no panic, every
// rejection a 400 naming the reason, every acceptance a clean reason.
func FuzzStatusRequest(f *testing.F) {
	f.Add([]byte(`{"reason":"Suspended due to a change in your company's C-TPAT status"}`))
	f.Add([]byte(`{"reason":""}`))
	f.Add([]byte(`{"reason":"a\u202eb"}`))
	f.Add([]byte(`{"reason":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req accounts.StatusRequest
		if err := httpapi.DecodeJSONBody(bytes.NewReader(body), &req); err != nil {
			if fault.As(err).Kind == fault.Internal {
				t.Fatalf("decode(%q) = %v", body, err)
			}
			return
		}
		reason, err := req.Validate()
		if err != nil {
			fe := fault.As(err)
			if fe.Kind != fault.Invalid || len(fe.Details) != 1 || fe.Details[0].Field != "reason" {
				t.Fatalf("Validate(%q) = %v; want a 400 naming reason", body, err)
			}
			return
		}
		if reason == "" || reason != strings.TrimSpace(reason) || len([]rune(reason)) > accounts.MaxReason {
			t.Fatalf("Validate(%q) accepted %q", body, reason)
		}
	})
}

// TestDueDateMoveWhileSuspended: moving the review due date (as approving
// an annual review does) keeps a suspended account out of the due-date
// index, even when the mover read the account before the suspension; the
// reinstatement files it under the new date.
func TestDueDateMoveWhileSuspended(t *testing.T) {
	e := newEnv(t)
	w := e.world(false)
	ctx := context.Background()
	before := e.account(w.accountID) // read while active
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/suspend", w.admin, map[string]string{"reason": suspendReason}), 204)
	if err := account.MoveDueDate(ctx, e.d.Store, &before, "2028-03-31"); err != nil {
		t.Fatalf("MoveDueDate with a read from before the suspension = %v; want it done", err)
	}
	if a := e.account(w.accountID); a.ReviewDueDate != "2028-03-31" || a.GSI3PK != "" || !a.IsSuspended() {
		t.Errorf("after the move = %+v; want the new date, still suspended and out of the index", a)
	}
	stale := before // its due date is no longer the stored one
	if err := account.MoveDueDate(ctx, e.d.Store, &stale, "2029-03-31"); !errors.Is(err, store.ErrConditionFailed) {
		t.Errorf("MoveDueDate from a stale date = %v; want ErrConditionFailed", err)
	}
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/reinstate", w.admin, map[string]string{"reason": "Validated"}), 204)
	if a := e.account(w.accountID); a.GSI3PK != "DUE#2028-03-31" || a.IsSuspended() {
		t.Errorf("after the reinstatement = %+v; want it filed under the new date", a)
	}
	if due, err := account.DueOn(ctx, e.d.Store, "2028-03-31"); err != nil || len(due) != 1 {
		t.Errorf("accounts due 2028-03-31 = %v, %v; want the reinstated one", due, err)
	}
}
