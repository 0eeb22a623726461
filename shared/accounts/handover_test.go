package accounts_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/identity"
)

// fileAndApprove files the AO-change application app for the account with
// the applicant's token and has the admin approve it; it returns the
// request's id.
func (e *env) fileAndApprove(accountID, applicant, admin string, app map[string]any) string {
	e.t.Helper()
	e.must(e.call("POST", "/v1/accounts/"+accountID+"/owner-change-requests", applicant, app), 202)
	id := ""
	for _, r := range e.must(e.call("GET", "/v1/owner-change-requests?status=pending", admin, nil), 200).JSON()["requests"].([]any) {
		if r := r.(map[string]any); r["accountId"] == accountID {
			id = r["id"].(string)
		}
	}
	if id == "" {
		e.t.Fatalf("no pending request for %s", accountID)
	}
	e.must(e.call("POST", "/v1/owner-change-requests/"+id+"/decision", admin, map[string]string{"decision": "approve", "comment": "Checked."}), 204)
	return id
}

// myRole is the role /v1/me shows the user (token) on the account, or "".
func (e *env) myRole(token, accountID string) string {
	e.t.Helper()
	for _, m := range e.must(e.call("GET", "/v1/me", token, nil), 200).JSON()["memberships"].([]any) {
		if m := m.(map[string]any); m["accountId"] == accountID {
			return m["role"].(string)
		}
	}
	return ""
}

// checkOwnership checks the account's owner bookkeeping: the owners counter
// equals the owner memberships, which are exactly want, and the contacts
// are the owners and POCs.
func (e *env) checkOwnership(accountID string, roles map[string]string, want ...string) {
	e.t.Helper()
	var owners []string
	for id, role := range roles {
		if role == accounts.Owner {
			owners = append(owners, id)
		}
	}
	slices.Sort(owners)
	slices.Sort(want)
	counter := -1 // none
	if a := e.account(accountID); a.Owners != nil {
		counter = *a.Owners
	}
	if !slices.Equal(owners, want) || counter != len(want) {
		e.t.Errorf("owners = %v, counter %d; want %v and a counter of %d", owners, counter, want, len(want))
	}
}

// TestOwnerChangeHandsOver: the application is filed, an admin approves
// it, the new owner signs up from the invitation link in the mail, and in
// that one step the previous owner becomes a plain user: the user list, the
// previous owner's own memberships, the owners counter, the reminder
// contacts, the request and the audit trail all say so.
func TestOwnerChangeHandsOver(t *testing.T) {
	e := newEnv(t)
	w := e.world(false)
	app := goodApplication()
	newAO := app["newOwner"].(map[string]string)["email"]
	reqID := e.fileAndApprove(w.accountID, w.user, w.admin, app)

	// Approval changed nothing yet: the owner is still the owner.
	if r := e.roles(w.accountID, w.admin); r[w.ownerID] != accounts.Owner {
		t.Fatalf("roles after approval = %v; want the owner unchanged until the new owner accepts", r)
	}
	mails := testenv.WaitMails(t, newAO, 1)
	if len(mails) != 1 || !strings.Contains(mails[0].Body.Text, "account owner") {
		t.Fatalf("new owner's mails = %+v; want the invitation as account owner", mails)
	}
	tok := e.invitation(newAO, 1)
	r := e.must(e.call("POST", "/v1/invitations/"+tok+"/sign-up", "", inviteeBody("Nora Jane Newowner")), 201).JSON()
	newToken, newID := r["token"].(string), r["user"].(map[string]any)["id"].(string)
	if m := r["membership"].(map[string]any); m["role"] != "owner" {
		t.Errorf("membership = %v; want owner", m)
	}

	roles := e.roles(w.accountID, newToken) // the new owner manages the users now
	if roles[newID] != accounts.Owner || roles[w.ownerID] != accounts.User || roles[w.userID] != accounts.User || len(roles) != 3 {
		t.Errorf("roles = %v; want the new owner, the previous owner and the user as users", roles)
	}
	e.checkOwnership(w.accountID, roles, newID)
	if got := e.myRole(w.owner, w.accountID); got != accounts.User {
		t.Errorf("the previous owner's /v1/me role = %q; want user", got)
	}
	if a := e.account(w.accountID); !slices.Equal(a.Contacts, []string{newAO}) {
		t.Errorf("contacts = %v; want only the new owner", a.Contacts)
	}
	if r := e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.owner, map[string]string{"email": testenv.Email("x"), "role": "user"}); r.Status != 403 {
		t.Errorf("the previous owner invites = %d; want 403", r.Status)
	}
	var completed map[string]any
	for _, req := range e.must(e.call("GET", "/v1/owner-change-requests?status=approved", w.admin, nil), 200).JSON()["requests"].([]any) {
		if req.(map[string]any)["id"] == reqID {
			completed = req.(map[string]any)
		}
	}
	if completed["completedBy"] != newID || completed["completedAt"] == nil {
		t.Errorf("request = %v; want completed by %s", completed, newID)
	}
	var audited bool
	for _, ev := range e.must(e.call("GET", "/v1/accounts/"+w.accountID+"/audit", newToken, nil), 200).JSON()["events"].([]any) {
		ev := ev.(map[string]any)
		if d, _ := ev["details"].(map[string]any); ev["action"] == "owner_change_completed" && d["requestId"] == reqID &&
			d["before"] == w.ownerID && d["after"] == newID && d["previousOwnersBecame"] == "user" {
			audited = true
		}
	}
	if !audited {
		t.Errorf("no owner_change_completed event with the owners before and after")
	}
}

// TestOwnerChangeOwnersLeave: with "leave", every previous owner (two here)
// leaves the account when the new owner, an existing user, accepts.
func TestOwnerChangeOwnersLeave(t *testing.T) {
	e := newEnv(t)
	w := e.world(false)
	e.must(e.call("PUT", "/v1/accounts/"+w.accountID+"/users/"+w.userID+"/role", w.owner, map[string]string{"role": "owner"}), 204)
	app := goodApplication()
	app["previousOwner"] = "leave"
	newAO := app["newOwner"].(map[string]string)["email"]
	e.fileAndApprove(w.accountID, w.owner, w.admin, app)
	newID := e.signUp(newAO, "")
	newToken := e.signIn(newAO)
	e.must(e.call("POST", "/v1/invitations/"+e.invitation(newAO, 1)+"/accept", newToken, nil), 200)

	roles := e.roles(w.accountID, w.admin)
	if len(roles) != 1 || roles[newID] != accounts.Owner {
		t.Errorf("roles = %v; want only the new owner", roles)
	}
	e.checkOwnership(w.accountID, roles, newID)
	for name, tok := range map[string]string{"first owner": w.owner, "second owner": w.user} {
		if got := e.myRole(tok, w.accountID); got != "" {
			t.Errorf("the %s still has role %q", name, got)
		}
		if r := e.call("GET", "/v1/accounts/"+w.accountID, tok, nil); r.Status != 404 {
			t.Errorf("the %s reads the account = %d; want 404", name, r.Status)
		}
	}
	if a := e.account(w.accountID); !slices.Equal(a.Contacts, []string{newAO}) {
		t.Errorf("contacts = %v; want only the new owner", a.Contacts)
	}
}

// TestOwnerChangeNewPOC: an application for a point of contact adds one and
// leaves the owner as it is.
func TestOwnerChangeNewPOC(t *testing.T) {
	e := newEnv(t)
	w := e.world(false)
	app := goodApplication()
	app["newRole"] = "poc"
	delete(app, "previousOwner")
	poc := app["newOwner"].(map[string]string)["email"]
	e.fileAndApprove(w.accountID, w.owner, w.admin, app)
	if mails := testenv.WaitMails(t, poc, 1); len(mails) != 1 || !strings.Contains(mails[0].Body.Text, "point of contact") {
		t.Fatalf("POC mails = %+v; want an invitation as point of contact", mails)
	}
	pocID := e.signUp(poc, "")
	e.must(e.call("POST", "/v1/invitations/"+e.invitation(poc, 1)+"/accept", e.signIn(poc), nil), 200)
	roles := e.roles(w.accountID, w.admin)
	if roles[pocID] != accounts.POC || roles[w.ownerID] != accounts.Owner || roles[w.userID] != accounts.User {
		t.Errorf("roles = %v; want the POC added, the owner and user unchanged", roles)
	}
	e.checkOwnership(w.accountID, roles, w.ownerID)
	if a := e.account(w.accountID); len(a.Contacts) != 2 || !slices.Contains(a.Contacts, poc) || !slices.Contains(a.Contacts, w.ownerEmail) {
		t.Errorf("contacts = %v; want the owner and the POC", a.Contacts)
	}
}

// TestOwnerChangeRacesALeavingOwner: while the new owner accepts, one of the
// two previous owners removes themselves, both requests fired at once over
// HTTP, round after round. Whichever lands first, the acceptance succeeds,
// the new owner is the only owner, the counter says one, the previous
// owners are users or gone as the application said (or gone by their own
// hand), and both sides of every membership agree.
func TestOwnerChangeRacesALeavingOwner(t *testing.T) {
	e := newEnv(t)
	_, _, admin := e.person("admin", identity.Admin)
	ctx := context.Background()
	outcomes := map[int]int{}
	for round := range 6 {
		became := []string{"user", "leave"}[round%2]
		o1Email, o1ID := testenv.Person(t, e.d, "o1", "")
		o2Email, o2ID := testenv.Person(t, e.d, "o2", "")
		accID := fmt.Sprintf("race-%d-%s", round, o1ID[:8])
		if err := e.d.Accounts.SeedAccount(ctx, accounts.Organization{ID: "org-" + accID, Name: "Race Group"},
			account.Account{ID: accID, Name: "Race Imports", EntityType: "importer", Programs: []string{"ctpat_security"}, ReviewDueDate: "2027-01-31"},
			[]accounts.SeedMember{{UserID: o1ID, Email: o1Email, Role: accounts.Owner}, {UserID: o2ID, Email: o2Email, Role: accounts.Owner}}); err != nil {
			t.Fatal(err)
		}
		o1, o2 := e.signIn(o1Email), e.signIn(o2Email)
		app := goodApplication()
		app["previousOwner"] = became
		newAO := app["newOwner"].(map[string]string)["email"]
		e.fileAndApprove(accID, o1, admin, app)
		newID := e.signUp(newAO, "")
		newToken := e.signIn(newAO)
		tok := e.invitation(newAO, 1)

		var accept, leave int
		start := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			<-start
			accept = e.call("POST", "/v1/invitations/"+tok+"/accept", newToken, nil).Status
		})
		wg.Go(func() {
			<-start
			leave = e.call("POST", "/v1/accounts/"+accID+"/users/"+o2ID+"/deactivate", o2, nil).Status
		})
		close(start)
		wg.Wait()
		outcomes[leave]++

		if accept != 200 {
			t.Errorf("round %d: accept = %d; want 200 whatever the race", round, accept)
		}
		// After a hand-over in which the previous owners leave, the leaving
		// owner is no member at all: 404, as to any outsider.
		if leave != 204 && leave != 403 && leave != 404 && leave != 409 {
			t.Errorf("round %d: the leaving owner got %d; want 204, or 403/409 once no longer an owner, 404 once no longer a member", round, leave)
		}
		roles := e.roles(accID, admin)
		e.checkOwnership(accID, roles, newID)
		wantO1, wantO2 := became, became
		if became == "leave" {
			wantO1, wantO2 = "", ""
		}
		if leave == 204 {
			wantO2 = ""
		}
		if roles[o1ID] != wantO1 || roles[o2ID] != wantO2 || roles[newID] != accounts.Owner {
			t.Errorf("round %d (%s, leave %d): roles = %v; want o1 %q, o2 %q, new owner", round, became, leave, roles, wantO1, wantO2)
		}
		for who, c := range map[string]struct{ tok, id string }{"o1": {o1, o1ID}, "o2": {o2, o2ID}, "new owner": {newToken, newID}} {
			if got := e.myRole(c.tok, accID); got != roles[c.id] {
				t.Errorf("round %d: %s's /v1/me role %q; the account side says %q", round, who, got, roles[c.id])
			}
		}
		if a := e.account(accID); !slices.Equal(a.Contacts, []string{newAO}) {
			t.Errorf("round %d: contacts = %v; want only the new owner", round, a.Contacts)
		}
	}
	t.Logf("the leaving owner's answers over the rounds: %v", outcomes)
}
