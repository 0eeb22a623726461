package identity_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal"
	"github.com/partner-portal/portal/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// env is one portal on a fresh table, served over HTTP.
type env struct {
	t     testing.TB
	d     *portal.Deps
	srv   *httptest.Server
	clock *testenv.Clock
}

func newEnv(t testing.TB, change ...func(*portal.Config)) *env {
	t.Helper()
	cfg := testenv.Config(t)
	for _, f := range change {
		f(&cfg)
	}
	d := testenv.DepsWith(t, cfg)
	c := &testenv.Clock{}
	if err := d.WithClock(c.Now); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(portal.Handler(d, portal.RoutesOf(d, "auth")))
	t.Cleanup(srv.Close)
	return &env{t: t, d: d, srv: srv, clock: c}
}

type response = testenv.Response

// call sends a request to the portal under test.
func (e *env) call(method, path, token string, body any) response {
	e.t.Helper()
	return testenv.Call(e.t, e.srv.URL, method, path, token, body)
}

const goodPassword = "Harbour-Lantern-Tide-2026"

func answers() []map[string]string {
	return []map[string]string{
		{"questionId": "q01", "answer": "Riverside Primary"},
		{"questionId": "q05", "answer": "  Acme   Freight "},
		{"questionId": "q09", "answer": "Biscuit"},
	}
}

func signUpBody(email string) map[string]any {
	return map[string]any{"email": email, "password": goodPassword, "name": "Pat Partner", "securityAnswers": answers()}
}

// signUp creates a partner user through the API as a person does — sign up,
// open the verification mail, follow its link — and returns its id.
func (e *env) signUp(email string) string {
	e.t.Helper()
	r := e.call("POST", "/v1/users", "", signUpBody(email))
	if r.Status != 202 {
		e.t.Fatalf("POST /v1/users = %d %s; want 202", r.Status, r.Body)
	}
	tok := e.verifyToken(email, 1)
	if r := e.call("POST", "/v1/email-verifications/"+tok, "", nil); r.Status != 204 {
		e.t.Fatalf("POST /v1/email-verifications/… = %d %s; want 204", r.Status, r.Body)
	}
	return e.userID(email)
}

var verifyLink = regexp.MustCompile(regexp.QuoteMeta(testenv.PortalURL) + `/verify-email\?token=([A-Za-z0-9_-]+)`)

// verifyToken waits for the n-th mail to email and returns the token of the
// verification link in it.
func (e *env) verifyToken(email string, n int) string {
	e.t.Helper()
	mails := testenv.WaitMails(e.t, email, n)
	if len(mails) < n {
		e.t.Fatalf("%d mails to %s; want %d", len(mails), email, n)
	}
	m := verifyLink.FindStringSubmatch(mails[n-1].Body.Text)
	if m == nil {
		e.t.Fatalf("mail %d to %s has no verification link: %s", n, email, mails[n-1].Body.Text)
	}
	return m[1]
}

// userID is the id of the user the email's claim points at.
func (e *env) userID(email string) string {
	e.t.Helper()
	var c struct {
		UserID string `dynamodbav:"userId"`
	}
	found, err := e.d.Store.Get(context.Background(), store.Key{PK: "EMAIL#" + email, SK: "EMAIL"}, &c)
	if err != nil || !found {
		e.t.Fatalf("no user for %s: %v", email, err)
	}
	return c.UserID
}

// staff creates a staff user directly (as seeding does) and returns its id.
func (e *env) staff(email string, role identity.StaffRole) string {
	e.t.Helper()
	nu, err := identity.SignUpRequest{Email: email, Password: goodPassword, Name: "Sam Staff", SecurityAnswers: toInputs(answers())}.Validate()
	if err != nil {
		e.t.Fatal(err)
	}
	nu.StaffRole = role
	u, err := e.d.Users.SignUp(context.Background(), nu, identity.Client{})
	if err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

func toInputs(a []map[string]string) []identity.AnswerInput {
	var out []identity.AnswerInput
	for _, x := range a {
		out = append(out, identity.AnswerInput{QuestionID: x["questionId"], Answer: x["answer"]})
	}
	return out
}

// signIn signs in and returns the token.
func (e *env) signIn(email, pw string) string {
	e.t.Helper()
	r := e.call("POST", "/v1/sessions", "", map[string]string{"email": email, "password": pw})
	if r.Status != 201 {
		e.t.Fatalf("sign in %s = %d %s; want 201", email, r.Status, r.Body)
	}
	return r.JSON()["token"].(string)
}

// user reads the stored user item.
func (e *env) user(id string) identity.User {
	e.t.Helper()
	var u identity.User
	found, err := e.d.Store.Get(context.Background(), store.Key{PK: "USER#" + id, SK: "PROFILE"}, &u)
	if err != nil || !found {
		e.t.Fatalf("user %s: found=%v err=%v", id, found, err)
	}
	return u
}

// emailClaimed reports whether the email has a claim item.
func (e *env) emailClaimed(email string) bool {
	e.t.Helper()
	var c map[string]any
	found, err := e.d.Store.Get(context.Background(), store.Key{PK: "EMAIL#" + email, SK: "EMAIL"}, &c)
	if err != nil {
		e.t.Fatal(err)
	}
	return found
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func storeKey(pk, sk string) store.Key { return store.Key{PK: pk, SK: sk} }
