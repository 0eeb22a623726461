package accounts_test

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/store"
)

// owned is a seeded account and its owners, signed in.
type owned struct {
	accountID           string
	ids, emails, tokens []string
}

// ownedAccount seeds an account whose n owners are fresh users.
func (e *env) ownedAccount(n int) owned {
	e.t.Helper()
	var o owned
	var members []accounts.SeedMember
	for range n {
		email, id := testenv.Person(e.t, e.d, "owner", "")
		o.ids, o.emails = append(o.ids, id), append(o.emails, email)
		members = append(members, accounts.SeedMember{UserID: id, Email: email, Role: accounts.Owner})
	}
	o.accountID = "acc-" + o.ids[0][:10]
	if err := e.d.Accounts.SeedAccount(context.Background(), accounts.Organization{ID: "org-" + o.ids[0][:10], Name: "Owners Group"},
		account.Account{ID: o.accountID, Name: "Owners Imports", EntityType: "importer", Programs: []string{"ctpat_security"},
			ReviewDueDate: "2027-01-31"}, members); err != nil {
		e.t.Fatal(err)
	}
	for _, email := range o.emails {
		o.tokens = append(o.tokens, e.signIn(email))
	}
	return o
}

// roles reads the account's users as staff: user id → role.
func (e *env) roles(accountID, staffToken string) map[string]string {
	e.t.Helper()
	var list struct {
		Users []accounts.UserView `json:"users"`
	}
	r := e.must(e.call("GET", "/v1/accounts/"+accountID+"/users", staffToken, nil), 200)
	if err := jsonUnmarshal(r.Body, &list); err != nil {
		e.t.Fatal(err)
	}
	out := map[string]string{}
	for _, u := range list.Users {
		out[u.UserID] = u.Role
	}
	return out
}

func (e *env) ownerCount(accountID string) int {
	e.t.Helper()
	a := e.account(accountID)
	if a.Owners == nil {
		e.t.Errorf("account %s has no owners counter", accountID)
		return -1
	}
	return *a.Owners
}

func owners(roles map[string]string) int {
	n := 0
	for _, r := range roles {
		if r == accounts.Owner {
			n++
		}
	}
	return n
}

// TestOwnersRemoveEachOtherAtOnce: on each of several accounts two owners
// deactivate each other in parallel requests (all fired at once); on each
// one wins, the other is refused, and one owner is left.
func TestOwnersRemoveEachOtherAtOnce(t *testing.T) {
	e := newEnv(t)
	adminEmail, _ := testenv.Person(t, e.d, "admin", identity.Admin)
	admin := e.signIn(adminEmail)
	const pairs = 6
	accs := make([]owned, pairs)
	for i := range accs {
		accs[i] = e.ownedAccount(2)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	got := make([][2]testenv.Response, pairs)
	for p, o := range accs {
		for i := range 2 {
			wg.Go(func() {
				<-start
				got[p][i] = e.call("POST", "/v1/accounts/"+o.accountID+"/users/"+o.ids[1-i]+"/deactivate", o.tokens[i], nil)
			})
		}
	}
	close(start)
	wg.Wait()
	lastOwner := 0
	for p, o := range accs {
		ok, refused := 0, 0
		for _, r := range got[p] {
			switch {
			case r.Status == 204:
				ok++
			case r.Status == 409 && r.Code() == "last_owner":
				refused++
				lastOwner++
			case r.Status == 404: // read after the other had removed its author, who is no longer an owner
				refused++
			}
		}
		t.Logf("account %d: %d, %d", p, got[p][0].Status, got[p][1].Status)
		if ok != 1 || refused != 1 {
			t.Errorf("account %d: two owners removing each other = %d %s, %d %s; want one 204 and one 409 last_owner",
				p, got[p][0].Status, got[p][0].Body, got[p][1].Status, got[p][1].Body)
		}
		if n := owners(e.roles(o.accountID, admin)); n != 1 {
			t.Errorf("account %d: %d owners left; want 1", p, n)
		}
		if n := e.ownerCount(o.accountID); n != 1 {
			t.Errorf("account %d: owners counter = %d; want 1", p, n)
		}
	}
	if lastOwner == 0 {
		t.Errorf("no pair raced (every loser got 404): the conditional write was never exercised")
	}
}

// TestOwnerCountOfOlderAccounts: an account stored before the owners counter
// gets it counted on its first membership change, and the rule holds.
func TestOwnerCountOfOlderAccounts(t *testing.T) {
	e := newEnv(t)
	o := e.ownedAccount(2)
	if err := e.d.Store.Update(context.Background(), store.Key{PK: "ACCOUNT#" + o.accountID, SK: "ACCOUNT"},
		expression.Remove(expression.Name("owners")), nil, nil); err != nil {
		t.Fatal(err)
	}
	e.must(e.call("POST", "/v1/accounts/"+o.accountID+"/users/"+o.ids[1]+"/deactivate", o.tokens[0], nil), 204)
	if n := e.ownerCount(o.accountID); n != 1 {
		t.Errorf("owners counter after removing one of two = %d; want 1", n)
	}
	if r := e.call("POST", "/v1/accounts/"+o.accountID+"/users/"+o.ids[0]+"/deactivate", o.tokens[0], nil); r.Status != 409 || r.Code() != "last_owner" {
		t.Errorf("the last owner removes themselves = %d %s; want 409 last_owner", r.Status, r.Body)
	}
}

// TestJoiningNeverDemotes: accepting an invitation or a legacy sync keeps
// the higher of the member's role and the one granted, so neither can take
// the last owner's role away; a higher role is granted and counted.
func TestJoiningNeverDemotes(t *testing.T) {
	e := newEnv(t)
	w := e.world(false)
	// The account's only owner accepts an invitation of their own address as a user.
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.owner, map[string]string{"email": w.ownerEmail, "role": "user"}), 201)
	m := e.must(e.call("POST", "/v1/invitations/"+e.invitation(w.ownerEmail, 2)+"/accept", w.owner, nil), 200).JSON()["membership"].(map[string]any)
	if m["role"] != "owner" {
		t.Errorf("the only owner accepting a user invitation now has role %v; want owner", m["role"])
	}
	if roles := e.roles(w.accountID, w.admin); roles[w.ownerID] != "owner" || owners(roles) != 1 {
		t.Errorf("roles after the accept = %v; want the owner still owner", roles)
	}
	// A user invited as owner becomes one, and is counted: the first owner may then step down.
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.owner, map[string]string{"email": w.userEmail, "role": "owner"}), 201)
	e.must(e.call("POST", "/v1/invitations/"+e.invitation(w.userEmail, 2)+"/accept", w.user, nil), 200)
	if n := e.ownerCount(w.accountID); n != 2 {
		t.Errorf("owners counter = %d; want 2", n)
	}
	e.must(e.call("PUT", "/v1/accounts/"+w.accountID+"/users/"+w.ownerID+"/role", w.owner, map[string]string{"role": "user"}), 204)
	if r := e.call("PUT", "/v1/accounts/"+w.accountID+"/users/"+w.userID+"/role", w.user, map[string]string{"role": "poc"}); r.Status != 409 || r.Code() != "last_owner" {
		t.Errorf("the new only owner steps down = %d %s; want 409 last_owner", r.Status, r.Body)
	}

	// Legacy sync: CTP-0001 grants poc on the seeded account, whose only owner syncs it.
	e.legacyWorld()
	email, id := testenv.Person(t, e.d, "legacyowner", "")
	if err := e.d.Accounts.AddMember(context.Background(), "seed-importer-account", id, email, accounts.Owner); err != nil {
		t.Fatal(err)
	}
	tok := e.signIn(email)
	ms := e.must(e.call("POST", "/v1/legacy-sync", tok, map[string]string{"legacyUserId": "CTP-0001", "legacyPassword": "Legacy-Anchor-Ledger-1998"}), 200).JSON()["memberships"].([]any)
	if len(ms) != 1 || ms[0].(map[string]any)["role"] != "owner" {
		t.Errorf("memberships after syncing a poc role = %v; want the owner role kept", ms)
	}
	if roles := e.roles("seed-importer-account", w.admin); roles[id] != "owner" || e.ownerCount("seed-importer-account") != 1 {
		t.Errorf("roles after the sync = %v; want the only owner still owner", roles)
	}
}
