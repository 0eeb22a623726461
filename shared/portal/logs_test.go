package portal_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal"
	"github.com/partner-portal/portal/shared/session"
)

// syncBuffer is a buffer the server's goroutines may log into at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var tokenInLink = regexp.MustCompile(`\?token=([A-Za-z0-9_%-]+)`)

// linkToken returns the token of the newest emailed link to email.
func linkToken(t *testing.T, email string, n int) string {
	t.Helper()
	mails := testenv.WaitMails(t, email, n)
	if len(mails) < n {
		t.Fatalf("%d mails to %s; want %d", len(mails), email, n)
	}
	m := tokenInLink.FindStringSubmatch(mails[n-1].Body.Text)
	if m == nil {
		t.Fatalf("no link with a token in %q", mails[n-1].Body.Text)
	}
	tok, err := url.QueryUnescape(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestLogsCarryNoSecrets runs every route that carries a token, a session
// id, a password or security answers through the whole portal handler, with
// the logger at debug level writing to a buffer, and then looks for each of
// those secrets in what was logged: none may be there, while every request
// has its access line naming the route pattern.
func TestLogsCarryNoSecrets(t *testing.T) {
	logs := &syncBuffer{}
	d, base := testenv.Portal(t, func(c *portal.Config) {
		c.LogLevel = slog.LevelDebug
		c.Resets.MinDuration = time.Millisecond
	}, func(d *portal.Deps) {
		d.Log = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		if err := d.WithClock(time.Now); err != nil { // rebuild the services on this logger
			t.Fatal(err)
		}
	})
	ctx := context.Background()
	var secrets []string
	secret := func(s ...string) {
		for _, x := range s {
			secrets = append(secrets, x, session.HashToken(x))
		}
	}
	var requests int
	call := func(method, path, token string, body any, want int) testenv.Response {
		t.Helper()
		requests++
		r := testenv.Call(t, base, method, path, token, body)
		if r.Status != want {
			t.Fatalf("%s %s = %d %s; want %d", method, path, r.Status, r.Body, want)
		}
		return r
	}
	unique := func(s string) string { return s + "-" + strings.TrimSuffix(testenv.Email("x"), "@trade.test") }

	// A user with answers and passwords that appear nowhere else.
	answers := []string{unique("Riverside Primary"), unique("Acme Freight"), unique("Biscuit")}
	newAnswers := []string{unique("Harbour Street"), unique("Blue Kettle"), unique("Ostrich")}
	secret(answers...)
	secret(newAnswers...)
	for _, a := range append(append([]string{}, answers...), newAnswers...) {
		secrets = append(secrets, strings.ToLower(a)) // the normalised form too
	}
	first, second, third, wrong := unique("Tidal-Lantern-Quartz"), unique("Copper-Meadow-Finch"), unique("Velvet-Anchor-Drum"), unique("Wrong-Guess-Pony")
	secret(testenv.Password, first, second, third, wrong)
	resetter := testenv.Email("resetter")
	nu, err := identity.SignUpRequest{Email: resetter, Password: first, Name: "Rita Reset", SecurityAnswers: []identity.AnswerInput{
		{QuestionID: "q01", Answer: answers[0]}, {QuestionID: "q02", Answer: answers[1]}, {QuestionID: "q03", Answer: answers[2]}}}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Users.SignUp(ctx, nu, identity.Client{}); err != nil {
		t.Fatal(err)
	}

	// Sessions: sign in twice, list them, end one by its id, sign out with the cookie.
	ownerEmail, ownerID := testenv.Person(t, d, "owner", "")
	requests += 2
	owner, spare := testenv.SignIn(t, base, ownerEmail, testenv.Password), testenv.SignIn(t, base, ownerEmail, testenv.Password)
	secret(owner, spare)
	listed := call("GET", "/v1/sessions", owner, nil, 200).JSON()["sessions"].([]any)
	for _, s := range listed {
		id := s.(map[string]any)["id"].(string)
		secrets = append(secrets, id)
		if !s.(map[string]any)["current"].(bool) {
			call("DELETE", "/v1/sessions/"+id, owner, nil, 204)
		}
	}
	call("POST", "/v1/sessions", "", map[string]string{"email": ownerEmail, "password": wrong}, 401)

	// An invitation: the page, accepting it, and the invitation sign-up route.
	org, acc := "org-"+ownerID[:8], "acc-"+ownerID[:8]
	if err := d.Accounts.SeedAccount(ctx, accounts.Organization{ID: org, Name: "Log Group"},
		account.Account{ID: acc, Name: "Log Imports", EntityType: "importer", Programs: []string{"ctpat_security"}, ReviewDueDate: "2027-01-31"},
		[]accounts.SeedMember{{UserID: ownerID, Email: ownerEmail, Role: accounts.Owner}}); err != nil {
		t.Fatal(err)
	}
	invitee := testenv.Email("invitee")
	call("POST", "/v1/accounts/"+acc+"/invitations", owner, map[string]string{"email": invitee, "role": "poc"}, 201)
	invitation := linkToken(t, invitee, 1)
	secret(invitation)
	call("GET", "/accept-invitation?token="+url.QueryEscape(invitation), "", nil, 200)
	nu.Email, nu.Password = invitee, testenv.Password
	if _, err := d.Users.SignUp(ctx, nu, identity.Client{}); err != nil {
		t.Fatal(err)
	}
	requests++
	inviteeToken := testenv.SignIn(t, base, invitee, testenv.Password)
	secret(inviteeToken)
	call("POST", "/v1/invitations/"+invitation+"/accept", inviteeToken, nil, 200)
	signUp := map[string]any{"name": "Ivy Invitee", "password": second, "securityAnswers": []map[string]string{
		{"questionId": "q01", "answer": answers[0]}, {"questionId": "q02", "answer": answers[1]}, {"questionId": "q03", "answer": answers[2]}}}
	requests++
	if r := testenv.Call(t, base, "POST", "/v1/invitations/"+invitation+"/sign-up", "", signUp); r.Status < 400 {
		t.Fatalf("sign-up from a used invitation = %d; want a refusal", r.Status)
	}

	// An email verification link (any token: the route's path carries it).
	verification, err := session.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	secret(verification)
	requests++
	if r := testenv.Call(t, base, "POST", "/v1/email-verifications/"+verification, "", nil); r.Status < 400 {
		t.Fatalf("an unknown verification token = %d; want a refusal", r.Status)
	}
	call("GET", "/verify-email?token="+url.QueryEscape(verification), "", nil, 200)

	// A password reset: the request, the page, the questions, a wrong and a
	// right confirmation, and a method the route does not take.
	call("POST", "/v1/password-resets", "", map[string]string{"email": resetter}, 202)
	reset := linkToken(t, resetter, 1)
	secret(reset)
	call("GET", "/reset-password?token="+url.QueryEscape(reset), "", nil, 200)
	call("GET", "/v1/password-resets/"+reset, "", nil, 200)
	wrongSet := []map[string]string{{"questionId": "q01", "answer": answers[0]}, {"questionId": "q02", "answer": answers[1]}, {"questionId": "q03", "answer": wrong}}
	call("POST", "/v1/password-resets/"+reset, "", map[string]any{"answers": wrongSet, "newPassword": second}, 403)
	call("PUT", "/v1/password-resets/"+reset, "", map[string]any{"newPassword": second}, 405)
	rightSet := []map[string]string{{"questionId": "q01", "answer": answers[0]}, {"questionId": "q02", "answer": answers[1]}, {"questionId": "q03", "answer": answers[2]}}
	call("POST", "/v1/password-resets/"+reset, "", map[string]any{"answers": rightSet, "newPassword": second}, 204)

	// Signed-in changes of password and answers, then sign-out by cookie.
	requests++
	rt := testenv.SignIn(t, base, resetter, second)
	secret(rt)
	call("POST", "/v1/me/password", rt, map[string]string{"currentPassword": second, "newPassword": third}, 204)
	call("PUT", "/v1/me/security-answers", rt, map[string]any{"currentPassword": third, "securityAnswers": []map[string]string{
		{"questionId": "q04", "answer": newAnswers[0]}, {"questionId": "q05", "answer": newAnswers[1]}, {"questionId": "q06", "answer": newAnswers[2]}}}, 204)
	requests++
	if got, _ := send(t, "DELETE", base+"/v1/sessions/current", map[string]string{"Cookie": session.CookieName + "=" + rt, "Origin": base}, ""); got != 204 {
		t.Fatalf("sign-out by cookie = %d; want 204", got)
	}

	out := logs.String()
	if n := strings.Count(out, `"msg":"request"`); n != requests {
		t.Errorf("%d access lines for %d requests", n, requests)
	}
	for _, route := range []string{
		`"route":"POST /v1/password-resets/{token}"`, `"route":"GET /v1/password-resets/{token}"`,
		`"route":"POST /v1/invitations/{token}/accept"`, `"route":"DELETE /v1/sessions/{id}"`,
	} {
		if !strings.Contains(out, route) {
			t.Errorf("the logs lack %s", route)
		}
	}
	lower := strings.ToLower(out)
	for _, s := range secrets {
		if strings.Contains(lower, strings.ToLower(s)) {
			i := strings.Index(lower, strings.ToLower(s))
			t.Errorf("the logs hold the secret %q: …%s…", s, out[max(0, i-200):min(len(out), i+len(s)+50)])
		}
	}
}
