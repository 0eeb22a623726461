package testenv

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal"
)

// Password is the password of every user Person makes.
const Password = "Harbour-Lantern-Tide-2026"

// Portal serves the whole portal (every function's routes, the same
// handler the local server uses) on a fresh table and bucket, with
// PORTAL_URL set to its own address so emailed links point at it. change,
// when given, adjusts the configuration first; prepare, when given, runs on
// the dependencies before the server starts (a test clock, say).
func Portal(t testing.TB, change func(*portal.Config), prepare func(*portal.Deps)) (*portal.Deps, string) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	cfg := Config(t)
	cfg.PortalURL = "http://" + srv.Listener.Addr().String()
	if change != nil {
		change(&cfg)
	}
	d := DepsWith(t, cfg)
	if prepare != nil {
		prepare(d)
	}
	srv.Config.Handler = portal.Handler(d, portal.AllRoutes(d))
	srv.Start()
	t.Cleanup(srv.Close)
	return d, cfg.PortalURL
}

// Person signs up a user with a fresh email (staff when role is set), as
// seeding does, and returns the email and id.
func Person(t testing.TB, d *portal.Deps, prefix string, role identity.StaffRole) (string, string) {
	t.Helper()
	email := Email(prefix)
	nu, err := identity.SignUpRequest{Email: email, Password: Password, Name: "Person " + prefix, SecurityAnswers: []identity.AnswerInput{
		{QuestionID: "q01", Answer: "a"}, {QuestionID: "q02", Answer: "b"}, {QuestionID: "q03", Answer: "c"}}}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	nu.StaffRole = role
	u, err := d.Users.SignUp(context.Background(), nu, identity.Client{})
	if err != nil {
		t.Fatal(err)
	}
	return email, u.ID
}

// SignIn signs in through the API and returns the session token.
func SignIn(t testing.TB, base, email, password string) string {
	t.Helper()
	r := Call(t, base, "POST", "/v1/sessions", "", map[string]string{"email": email, "password": password})
	if r.Status != 201 {
		t.Fatalf("sign in %s = %d %s", email, r.Status, r.Body)
	}
	return r.JSON()["token"].(string)
}
