package accounts_test

import (
	"context"
	"net/url"
	"sync"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/session"
	"github.com/partner-portal/portal/shared/store"
)

// TestInvitationOutlivesInviter: an invitation works only while whoever
// sent it may still invite: an owner removed or suspended since withdraws
// it (410 invitation_withdrawn); an admin's invitation stands.
func TestInvitationOutlivesInviter(t *testing.T) {
	e := newEnv(t)
	w := e.world(false) // the owner joined through the admin's invitation
	e.must(e.call("PUT", "/v1/accounts/"+w.accountID+"/users/"+w.userID+"/role", w.owner, map[string]string{"role": "owner"}), 204)

	// An owner invites, then is removed by the other owner.
	removed, _ := testenv.Person(t, e.d, "invitee", "")
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.user, map[string]string{"email": removed, "role": "poc"}), 201)
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/users/"+w.userID+"/deactivate", w.owner, nil), 204)
	if r := e.call("POST", "/v1/invitations/"+e.invitation(removed, 1)+"/accept", e.signIn(removed), nil); r.Status != 410 || r.Code() != "invitation_withdrawn" {
		t.Errorf("accepting the invitation of a removed owner = %d %s; want 410 invitation_withdrawn", r.Status, r.Body)
	}

	// An owner invites, then staff suspend them.
	suspended, _ := testenv.Person(t, e.d, "invitee", "")
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.owner, map[string]string{"email": suspended, "role": "user"}), 201)
	e.must(e.call("POST", "/v1/users/"+w.ownerID+"/suspend", w.admin, nil), 204)
	if r := e.call("POST", "/v1/invitations/"+e.invitation(suspended, 1)+"/accept", e.signIn(suspended), nil); r.Status != 410 || r.Code() != "invitation_withdrawn" {
		t.Errorf("accepting the invitation of a suspended owner = %d %s; want 410 invitation_withdrawn", r.Status, r.Body)
	}

	// An admin's invitation (a new account's owner-to-be) stands.
	newOwner, _ := testenv.Person(t, e.d, "newowner", "")
	e.must(e.call("POST", "/v1/organizations/"+w.orgID+"/accounts", w.admin, map[string]any{"name": "Acme Rail", "entityType": "rail_carrier",
		"programs": []string{"ctpat_security"}, "ownerEmail": newOwner}), 201)
	e.must(e.call("POST", "/v1/invitations/"+e.invitation(newOwner, 1)+"/accept", e.signIn(newOwner), nil), 200)
}

// TestParallelInvitationsLeaveOneLink: invitations of one address sent at
// once leave exactly one stored invitation and one working link.
func TestParallelInvitationsLeaveOneLink(t *testing.T) {
	e := newEnv(t)
	w := e.world(false)
	invitee, _ := testenv.Person(t, e.d, "invitee", "")
	const n = 5
	var wg sync.WaitGroup
	start := make(chan struct{})
	got := make([]testenv.Response, n)
	for i := range n {
		wg.Go(func() {
			<-start
			got[i] = e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.owner, map[string]string{"email": invitee, "role": "user"})
		})
	}
	close(start)
	wg.Wait()
	sent := 0
	for _, r := range got {
		switch {
		case r.Status == 201:
			sent++
		case r.Status == 409 && r.Code() == "invitation_conflict":
		default:
			t.Errorf("an invitation = %d %s; want 201 (or 409 invitation_conflict)", r.Status, r.Body)
		}
	}
	mails := testenv.WaitMails(t, invitee, sent)
	if sent == 0 || len(mails) != sent {
		t.Fatalf("%d invitations sent, %d mails; want at least one, a mail each", sent, len(mails))
	}
	var tokens []string
	stored := 0
	for _, m := range mails {
		u, err := url.Parse(invitePattern.FindString(m.Body.Text))
		if err != nil || u.Query().Get("token") == "" {
			t.Fatalf("no invitation link in %q", m.Body.Text)
		}
		tok := u.Query().Get("token")
		tokens = append(tokens, tok)
		var item map[string]any
		found, err := e.d.Store.Get(context.Background(), store.Key{PK: "INVITE#" + session.HashToken(tok), SK: "INVITE"}, &item)
		if err != nil {
			t.Fatal(err)
		}
		if found {
			stored++
		}
	}
	if stored != 1 {
		t.Errorf("%d of the %d invitations are stored; want only the newest", stored, len(tokens))
	}
	inviteeToken := e.signIn(invitee)
	accepted := 0
	for _, tok := range tokens {
		switch r := e.call("POST", "/v1/invitations/"+tok+"/accept", inviteeToken, nil); r.Status {
		case 200:
			accepted++
		case 410:
		default:
			t.Errorf("accept = %d %s; want 200 or 410", r.Status, r.Body)
		}
	}
	if accepted != 1 {
		t.Errorf("%d of %d links worked; want exactly 1", accepted, len(tokens))
	}
}
