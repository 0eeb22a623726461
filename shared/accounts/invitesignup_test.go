package accounts_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/session"
	"github.com/partner-portal/portal/shared/store"
)

func inviteeBody(name string) map[string]any {
	return map[string]any{"name": name, "password": "Copper-Harbour-Signal-31", "securityAnswers": []map[string]string{
		{"questionId": "q02", "answer": "Oak Street"}, {"questionId": "q04", "answer": "Blue"}, {"questionId": "q07", "answer": "Rex"}}}
}

// TestInvitationSignUp: an invitee with no user signs up from the emailed
// link — no separate confirmation, since the link proved the mailbox — joins
// the account and is signed in at once. The link works once; an address that
// already has a user must sign in and accept instead.
func TestInvitationSignUp(t *testing.T) {
	e := newEnv(t)
	w := e.world(true)
	invitee := testenv.Email("invitee")
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.owner, map[string]string{"email": invitee, "role": "poc"}), 201)
	tok := e.invitation(invitee, 1)

	// Bad input first: every invalid field named, nothing stored.
	bad := e.call("POST", "/v1/invitations/"+tok+"/sign-up", "", map[string]any{"name": "", "password": "", "securityAnswers": []any{}})
	if bad.Status != 400 || !strings.Contains(string(bad.Body), `"name"`) || !strings.Contains(string(bad.Body), `"password"`) ||
		!strings.Contains(string(bad.Body), `"securityAnswers"`) {
		t.Errorf("empty sign-up = %d %s; want 400 naming name, password and securityAnswers", bad.Status, bad.Body)
	}
	weak := inviteeBody("Ivy Invitee")
	weak["password"] = "password1234"
	if r := e.call("POST", "/v1/invitations/"+tok+"/sign-up", "", weak); r.Status != 422 || r.Code() != "password_policy" {
		t.Errorf("weak password = %d %s; want 422", r.Status, r.Body)
	}
	var claim map[string]any
	if found, _ := e.d.Store.Get(context.Background(), store.Key{PK: "EMAIL#" + invitee, SK: "EMAIL"}, &claim); found {
		t.Fatal("a refused invitation sign-up created a user")
	}

	r := e.call("POST", "/v1/invitations/"+tok+"/sign-up", "", inviteeBody("Ivy Invitee"))
	if r.Status != 201 {
		t.Fatalf("invitation sign-up = %d %s; want 201", r.Status, r.Body)
	}
	body := r.JSON()
	token, _ := body["token"].(string)
	m, _ := body["membership"].(map[string]any)
	if !session.IsSessionToken(token) || m["accountId"] != w.accountID || m["role"] != "poc" || body["user"].(map[string]any)["email"] != invitee {
		t.Errorf("invitation sign-up body = %v", body)
	}
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == session.CookieName {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != token || !cookie.HttpOnly || !cookie.Secure {
		t.Errorf("session cookie = %+v; want the token, HttpOnly, Secure", cookie)
	}
	me := e.must(e.call("GET", "/v1/me", token, nil), 200).JSON()
	if ms := me["memberships"].([]any); len(ms) != 1 || ms[0].(map[string]any)["accountId"] != w.accountID {
		t.Errorf("/v1/me memberships = %v", ms)
	}
	// Confirmed from the start: signing in with the new password works, and
	// no confirmation mail was sent.
	testenv.SignIn(t, e.url, invitee, "Copper-Harbour-Signal-31")
	for _, mail := range testenv.MailsTo(t, invitee) {
		if strings.Contains(mail.Subject, "Confirm your email") {
			t.Errorf("an invitee got a confirmation mail: %q", mail.Subject)
		}
	}
	if r := e.call("POST", "/v1/invitations/"+tok+"/sign-up", "", inviteeBody("Ivy Again")); r.Status != 410 {
		t.Errorf("the link a second time = %d; want 410", r.Status)
	}

	// An address with a user: 409, and the invitation stays for accepting.
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.owner, map[string]string{"email": w.userEmail, "role": "poc"}), 201)
	second := e.invitation(w.userEmail, 2)
	if r := e.call("POST", "/v1/invitations/"+second+"/sign-up", "", inviteeBody("Someone Else")); r.Status != 409 || r.Code() != "email_taken" {
		t.Errorf("invitation sign-up for an address with a user = %d %s; want 409 email_taken", r.Status, r.Body)
	}
	e.must(e.call("POST", "/v1/invitations/"+second+"/accept", w.user, nil), 200)
}

// TestInvitationSignUpWithdrawn: an invitation whose inviter may no longer
// invite (suspended here) is refused before any user is created.
func TestInvitationSignUpWithdrawn(t *testing.T) {
	e := newEnv(t)
	w := e.world(true)
	invitee := testenv.Email("withdrawn")
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.owner, map[string]string{"email": invitee, "role": "user"}), 201)
	tok := e.invitation(invitee, 1)
	e.must(e.call("POST", "/v1/users/"+w.ownerID+"/suspend", w.admin, nil), 204)
	r := e.call("POST", "/v1/invitations/"+tok+"/sign-up", "", inviteeBody("Wendy Withdrawn"))
	if r.Status != 410 || r.Code() != "invitation_withdrawn" {
		t.Fatalf("sign-up from a withdrawn invitation = %d %s; want 410 invitation_withdrawn", r.Status, r.Body)
	}
	var claim map[string]any
	if found, _ := e.d.Store.Get(context.Background(), store.Key{PK: "EMAIL#" + invitee, SK: "EMAIL"}, &claim); found {
		t.Error("a refused invitation sign-up created a user")
	}
}
