package identity_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal"
	"github.com/partner-portal/portal/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// clock is the real time moved on by what a test adds, so events keep their
// order while expiry can be reached without waiting.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.offset) }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// env is one portal on a fresh table, served over HTTP.
type env struct {
	t     testing.TB
	d     *portal.Deps
	srv   *httptest.Server
	clock *clock
}

func newEnv(t testing.TB, change ...func(*portal.Config)) *env {
	t.Helper()
	cfg := testenv.Config(t)
	for _, f := range change {
		f(&cfg)
	}
	d := testenv.DepsWith(t, cfg)
	c := &clock{}
	if err := d.WithClock(c.Now); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(portal.Handler(d, portal.AuthRoutes(d)))
	t.Cleanup(srv.Close)
	return &env{t: t, d: d, srv: srv, clock: c}
}

// response is what a call returned.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.body, &m)
	return m
}

func (r response) code() string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.body, &e)
	return e.Error.Code
}

// call sends a request with an optional bearer token and JSON body (a
// string is sent as it is).
func (e *env) call(method, path, token string, body any) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("User-Agent", "identity-test/1.0")
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: b}
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

// signUp creates a partner user through the API and returns its id.
func (e *env) signUp(email string) string {
	e.t.Helper()
	r := e.call("POST", "/v1/users", "", signUpBody(email))
	if r.status != 201 {
		e.t.Fatalf("POST /v1/users = %d %s; want 201", r.status, r.body)
	}
	return r.json()["id"].(string)
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
	if r.status != 201 {
		e.t.Fatalf("sign in %s = %d %s; want 201", email, r.status, r.body)
	}
	return r.json()["token"].(string)
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
