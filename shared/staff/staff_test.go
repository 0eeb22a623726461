package staff_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal"
	"github.com/partner-portal/portal/shared/session"
	"github.com/partner-portal/portal/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type env struct {
	t   *testing.T
	d   *portal.Deps
	url string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	d, base := testenv.Portal(t, nil, nil)
	return &env{t: t, d: d, url: base}
}

func (e *env) call(method, path, token string, body any) testenv.Response {
	e.t.Helper()
	return testenv.Call(e.t, e.url, method, path, token, body)
}

func (e *env) must(r testenv.Response, status int) testenv.Response {
	e.t.Helper()
	if r.Status != status {
		e.t.Fatalf("status %d %s; want %d", r.Status, r.Body, status)
	}
	return r
}

// person makes a user (staff when role is set) and signs them in.
func (e *env) person(prefix string, role identity.StaffRole) (email, id, token string) {
	e.t.Helper()
	email, id = testenv.Person(e.t, e.d, prefix, role)
	return email, id, testenv.SignIn(e.t, e.url, email, testenv.Password)
}

var linkPattern = regexp.MustCompile(`https?://[^\s"<>]+/accept-invitation\?kind=staff&token=[A-Za-z0-9_%-]+`)

// invitation returns the token of the n-th staff invitation mailed to email.
func (e *env) invitation(email string, n int) string {
	e.t.Helper()
	mails := testenv.WaitMails(e.t, email, n)
	if len(mails) < n {
		e.t.Fatalf("%d mails to %s; want %d", len(mails), email, n)
	}
	link := linkPattern.FindString(mails[n-1].Body.Text)
	u, err := url.Parse(link)
	if link == "" || err != nil || !strings.HasPrefix(link, e.url+"/accept-invitation?kind=staff&token=") {
		e.t.Fatalf("no staff invitation link on %s in %q", e.url, mails[n-1].Body.Text)
	}
	return u.Query().Get("token")
}

func signUpBody(name string) map[string]any {
	return map[string]any{"name": name, "password": "Granite-Beacon-Orchard-77", "securityAnswers": []map[string]string{
		{"questionId": "q02", "answer": "Oak Street"}, {"questionId": "q04", "answer": "Blue"}, {"questionId": "q07", "answer": "Rex"}}}
}

// details are the fields a 400 names.
func details(r testenv.Response) []string {
	var out []string
	if e, ok := r.JSON()["error"].(map[string]any); ok {
		ds, _ := e["details"].([]any)
		for _, d := range ds {
			f, _ := d.(map[string]any)["field"].(string)
			out = append(out, f)
		}
	}
	return out
}

// events are the actions of a user's audit trail, newest first, as an
// admin reads them.
func (e *env) events(userID, admin string) []map[string]any {
	e.t.Helper()
	var out []map[string]any
	for _, ev := range e.must(e.call("GET", "/v1/users/"+userID+"/audit", admin, nil), 200).JSON()["events"].([]any) {
		out = append(out, ev.(map[string]any))
	}
	return out
}

func (e *env) find(events []map[string]any, action string) map[string]any {
	for _, ev := range events {
		if ev["action"] == action {
			return ev
		}
	}
	e.t.Errorf("no %s event in %v", action, events)
	return map[string]any{}
}

// TestStaffInvitationJourney: an admin invites a specialist by email; the
// invitee opens the mailed link and signs up as staff, signed in at once
// with the role; the link works once, a newer invitation replaces an older
// one, and bad input is refused naming every field, changing nothing.
func TestStaffInvitationJourney(t *testing.T) {
	e := newEnv(t)
	_, adminID, admin := e.person("admin", identity.Admin)
	_, _, partner := e.person("partner", "")

	bad := e.call("POST", "/v1/staff/invitations", admin, map[string]string{"email": "not-an-address", "role": "owner"})
	if bad.Status != 400 || !slices.Equal(details(bad), []string{"email", "role"}) {
		t.Errorf("bad invitation = %d %s; want 400 naming email and role", bad.Status, bad.Body)
	}
	if r := e.call("POST", "/v1/staff/invitations", partner, map[string]string{"email": testenv.Email("x"), "role": "scss"}); r.Status != 403 {
		t.Errorf("a partner inviting staff = %d; want 403", r.Status)
	}
	invitee := testenv.Email("specialist")
	r := e.must(e.call("POST", "/v1/staff/invitations", admin, map[string]string{"email": strings.ToUpper(invitee), "role": "scss"}), 201).JSON()
	if r["email"] != invitee || r["role"] != "scss" || r["status"] != "invited" {
		t.Errorf("invitation = %v", r)
	}
	older := e.invitation(invitee, 1)
	e.must(e.call("POST", "/v1/staff/invitations", admin, map[string]string{"email": invitee, "role": "scss"}), 201)
	tok := e.invitation(invitee, 2)
	if r := e.call("POST", "/v1/staff-invitations/"+older+"/sign-up", "", signUpBody("Sam Specialist")); r.Status != 410 || r.Code() != "token_expired" {
		t.Errorf("the older link = %d %s; want 410 token_expired", r.Status, r.Body)
	}

	bad = e.call("POST", "/v1/staff-invitations/"+tok+"/sign-up", "", map[string]any{"name": "", "password": "", "securityAnswers": []any{}})
	if bad.Status != 400 || !slices.Equal(details(bad), []string{"name", "password", "securityAnswers"}) {
		t.Errorf("empty sign-up = %d %s; want 400 naming name, password and securityAnswers", bad.Status, bad.Body)
	}
	weak := signUpBody("Sam Specialist")
	weak["password"] = "password1234"
	if r := e.call("POST", "/v1/staff-invitations/"+tok+"/sign-up", "", weak); r.Status != 422 || r.Code() != "password_policy" {
		t.Errorf("weak password = %d %s; want 422", r.Status, r.Body)
	}
	if _, found, _ := e.d.Users.FindByEmail(context.Background(), invitee); found {
		t.Fatal("a refused staff sign-up created a user")
	}

	res := e.must(e.call("POST", "/v1/staff-invitations/"+tok+"/sign-up", "", signUpBody("Sam Specialist")), 201)
	body := res.JSON()
	token, _ := body["token"].(string)
	user, _ := body["user"].(map[string]any)
	if !session.IsSessionToken(token) || user["email"] != invitee || user["staffRole"] != "scss" {
		t.Fatalf("staff sign-up = %v", body)
	}
	if !slices.ContainsFunc((&http.Response{Header: res.Header}).Cookies(), func(c *http.Cookie) bool {
		return c.Name == session.CookieName && c.Value == token && c.HttpOnly && c.Secure
	}) {
		t.Errorf("no session cookie in %v", res.Header)
	}
	if me := e.must(e.call("GET", "/v1/me", token, nil), 200).JSON()["user"].(map[string]any); me["staffRole"] != "scss" {
		t.Errorf("/v1/me = %v; want staffRole scss", me)
	}
	e.must(e.call("GET", "/v1/reviews?status=submitted", token, nil), 200) // a specialist's route
	e.must(e.call("POST", "/v1/staff/invitations", token, map[string]string{"email": testenv.Email("y"), "role": "scss"}), 403)
	if r := e.call("POST", "/v1/staff-invitations/"+tok+"/sign-up", "", signUpBody("Sam Again")); r.Status != 410 {
		t.Errorf("the link a second time = %d; want 410", r.Status)
	}
	testenv.SignIn(t, e.url, invitee, "Granite-Beacon-Orchard-77")

	// What was stored: no invitation left for the address, an audit trail.
	var ptr map[string]any
	if found, _ := e.d.Store.Get(context.Background(), store.Key{PK: "STAFFINVITE#" + invitee, SK: "LIVE"}, &ptr); found {
		t.Errorf("the invitation pointer outlived the sign-up: %v", ptr)
	}
	joined := e.find(e.events(user["id"].(string), admin), "staff_joined")
	if d, _ := joined["details"].(map[string]any); d["role"] != "scss" || d["invitedBy"] != adminID {
		t.Errorf("staff_joined event = %v", joined)
	}
	invited := e.find(e.events(adminID, admin), "staff_invited")
	if d, _ := invited["details"].(map[string]any); d["email"] != invitee {
		t.Errorf("staff_invited event = %v", invited)
	}

	// An address with a user is refused at once.
	if r := e.call("POST", "/v1/staff/invitations", admin, map[string]string{"email": invitee, "role": "admin"}); r.Status != 409 || r.Code() != "email_taken" {
		t.Errorf("inviting an address with a user = %d %s; want 409 email_taken", r.Status, r.Body)
	}
}

// TestStaffInvitationWithdrawn: a link from an admin who is no longer one
// creates nobody.
func TestStaffInvitationWithdrawn(t *testing.T) {
	e := newEnv(t)
	_, inviterID, inviter := e.person("inviter", identity.Admin)
	_, _, other := e.person("other", identity.Admin)
	invitee := testenv.Email("withdrawn")
	e.must(e.call("POST", "/v1/staff/invitations", inviter, map[string]string{"email": invitee, "role": "admin"}), 201)
	tok := e.invitation(invitee, 1)
	e.must(e.call("PUT", "/v1/staff/"+inviterID+"/role", other, map[string]string{"role": "scss"}), 204)
	r := e.call("POST", "/v1/staff-invitations/"+tok+"/sign-up", "", signUpBody("Wendy Withdrawn"))
	if r.Status != 410 || r.Code() != "invitation_withdrawn" {
		t.Fatalf("sign-up from a withdrawn invitation = %d %s; want 410 invitation_withdrawn", r.Status, r.Body)
	}
	if _, found, _ := e.d.Users.FindByEmail(context.Background(), invitee); found {
		t.Error("a withdrawn invitation created a user")
	}
}
