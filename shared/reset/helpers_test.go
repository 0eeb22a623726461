package reset_test

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// env is the whole portal on a fresh table, served over HTTP at the
// configured portal URL, so emailed links point at it.
type env struct {
	t     testing.TB
	d     *portal.Deps
	url   string
	clock *testenv.Clock
}

func newEnv(t testing.TB, change ...func(*portal.Config)) *env {
	t.Helper()
	c := &testenv.Clock{}
	d, base := testenv.Portal(t, func(cfg *portal.Config) {
		cfg.Resets.MinDuration = 50 * time.Millisecond // keep the suite quick; the floor is measured, not asserted
		for _, f := range change {
			f(cfg)
		}
	}, func(d *portal.Deps) {
		if err := d.WithClock(c.Now); err != nil {
			t.Fatal(err)
		}
	})
	return &env{t: t, d: d, url: base, clock: c}
}

func (e *env) call(method, path, token string, body any) testenv.Response {
	e.t.Helper()
	return testenv.Call(e.t, e.url, method, path, token, body)
}

const (
	oldPassword = "Harbour-Lantern-Tide-2026"
	newPassword = "Quiet-Meadow-Compass-4417"
)

func rightAnswers() []map[string]string {
	return []map[string]string{
		{"questionId": "q09", "answer": "biscuit"}, // any order, any case
		{"questionId": "q01", "answer": "riverside   primary"},
		{"questionId": "q05", "answer": "ACME FREIGHT"},
	}
}

func wrongAnswers() []map[string]string {
	a := rightAnswers()
	a[0]["answer"] = "rex"
	return a
}

// user makes a user (as seeding does: sign-up through the API answers the
// same whether or not a user was made) and returns its email and id.
func (e *env) user(prefix string) (string, string) {
	e.t.Helper()
	email := testenv.Email(prefix)
	nu, err := identity.SignUpRequest{
		Email: email, Password: oldPassword, Name: "Rita Reset",
		SecurityAnswers: []identity.AnswerInput{
			{QuestionID: "q01", Answer: "Riverside Primary"},
			{QuestionID: "q05", Answer: "Acme Freight"},
			{QuestionID: "q09", Answer: "Biscuit"},
		},
	}.Validate()
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.d.Users.SignUp(context.Background(), nu, identity.Client{})
	if err != nil {
		e.t.Fatalf("sign up: %v", err)
	}
	return email, u.ID
}

func (e *env) signIn(email, pw string) (testenv.Response, string) {
	e.t.Helper()
	r := e.call("POST", "/v1/sessions", "", map[string]string{"email": email, "password": pw})
	tok, _ := r.JSON()["token"].(string)
	return r, tok
}

// requestLink asks for a reset link and checks the answer is the usual 202.
func (e *env) requestLink(email string) {
	e.t.Helper()
	r := e.call("POST", "/v1/password-resets", "", map[string]string{"email": email})
	if r.Status != 202 || r.JSON()["status"] != "accepted" {
		e.t.Fatalf("POST /v1/password-resets = %d %s; want 202", r.Status, r.Body)
	}
}

var linkPattern = regexp.MustCompile(`https?://[^\s"<>]+/reset-password\?token=[A-Za-z0-9_%-]+`)

// tokenFrom returns the link and token of a reset email.
func tokenFrom(t testing.TB, m testenv.Mail) (string, string) {
	t.Helper()
	link := linkPattern.FindString(m.Body.Text)
	u, err := url.Parse(link)
	if link == "" || err != nil {
		t.Fatalf("no reset link in %q", m.Body.Text)
	}
	return link, u.Query().Get("token")
}

// latestToken waits for the n-th email to the address and returns its token.
func (e *env) latestToken(email string, n int) string {
	e.t.Helper()
	mails := testenv.WaitMails(e.t, email, n)
	if len(mails) < n {
		e.t.Fatalf("%d mails to %s; want %d", len(mails), email, n)
	}
	_, tok := tokenFrom(e.t, mails[n-1])
	return tok
}

func (e *env) confirm(tok string, answers []map[string]string, pw string) testenv.Response {
	e.t.Helper()
	return e.call("POST", "/v1/password-resets/"+url.PathEscape(tok), "", map[string]any{"answers": answers, "newPassword": pw})
}

func (e *env) stored(id string) *identity.User {
	e.t.Helper()
	u, err := e.d.Users.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func subjects(ms []testenv.Mail) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Subject)
	}
	return strings.Join(out, " | ")
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
