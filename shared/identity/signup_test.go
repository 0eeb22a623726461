package identity_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/password"
	"github.com/partner-portal/portal/shared/portal"
	"github.com/partner-portal/portal/shared/session"
)

func TestSignUpStoresOnlyHashes(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("pat")
	r := e.call("POST", "/v1/users", "", signUpBody("  "+strings.ToUpper(email)+" "))
	if r.Status != 202 || r.JSON()["status"] != "accepted" {
		t.Fatalf("POST /v1/users = %d %s; want 202 accepted", r.Status, r.Body)
	}
	u := e.user(e.userID(email))
	if u.Email != email || !u.EmailPending || u.VerifyTokenHash == "" {
		t.Errorf("stored user: email %q pending %v; want the trimmed, lower-cased email, pending confirmation", u.Email, u.EmailPending)
	}
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(u.PasswordHash, goodPassword) {
		t.Errorf("password stored as %q; want an argon2id PHC string with the default parameters", u.PasswordHash)
	}
	if len(u.PasswordHistory) != 1 || u.PasswordHistory[0] != u.PasswordHash {
		t.Errorf("history = %v; want the first hash", u.PasswordHistory)
	}
	if len(u.SecurityAnswers) != 3 {
		t.Fatalf("answers = %v", u.SecurityAnswers)
	}
	// "  Acme   Freight " is stored normalised: "acme freight" matches.
	a := u.SecurityAnswers[1]
	if a.QuestionID != "q05" || strings.Contains(a.Hash, "Acme") {
		t.Errorf("answer stored as %+v", a)
	}
	if ok, _ := password.Verify("acme freight", a.Hash); !ok {
		t.Errorf("normalised answer does not verify against the stored hash")
	}
	if u.Status != identity.Active || u.StaffRole != "" {
		t.Errorf("status %q role %q; want active partner", u.Status, u.StaffRole)
	}
	page, err := e.d.Audit.ForUser(context.Background(), u.ID, "", 10)
	if err != nil || len(page.Events) != 1 || page.Events[0].Action != "sign_up" || page.Events[0].IP != "127.0.0.1" {
		t.Errorf("audit = %+v, %v; want one sign_up event with the IP", page.Events, err)
	}
	// The verification token is stored only as its hash.
	tok := e.verifyToken(email, 1)
	if strings.Contains(u.VerifyTokenHash, tok) || u.VerifyTokenHash != session.HashToken(tok) {
		t.Errorf("the user points at %q; want the hash of the mailed token", u.VerifyTokenHash)
	}
}

// TestSignUpJourney: sign up, the mail, the link, then sign-in — and until
// the link is followed the right password answers 403 email_not_verified
// (a wrong one the usual 401). The link works once.
func TestSignUpJourney(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("journey")
	if r := e.call("POST", "/v1/users", "", signUpBody(email)); r.Status != 202 {
		t.Fatalf("POST /v1/users = %d %s", r.Status, r.Body)
	}
	mail := testenv.WaitMails(t, email, 1)[0]
	if !strings.Contains(mail.Subject, "Confirm your email") || !strings.Contains(mail.Body.HTML, testenv.PortalURL+"/verify-email?token=") {
		t.Fatalf("verification mail = %q %s", mail.Subject, mail.Body.HTML)
	}
	tok := e.verifyToken(email, 1)
	right := e.call("POST", "/v1/sessions", "", map[string]string{"email": email, "password": goodPassword})
	if right.Status != 403 || right.Code() != "email_not_verified" {
		t.Errorf("sign-in before confirming, right password = %d %s; want 403 email_not_verified", right.Status, right.Body)
	}
	wrong := e.call("POST", "/v1/sessions", "", map[string]string{"email": email, "password": "Not-The-Password-77"})
	if wrong.Status != 401 || wrong.Code() != "invalid_credentials" {
		t.Errorf("sign-in before confirming, wrong password = %d %s; want 401", wrong.Status, wrong.Body)
	}
	if r := e.call("POST", "/v1/email-verifications/"+tok, "", nil); r.Status != 204 {
		t.Fatalf("confirm = %d %s; want 204", r.Status, r.Body)
	}
	u := e.user(e.userID(email))
	if u.EmailPending || u.VerifyTokenHash != "" {
		t.Errorf("after confirming: pending %v, token %q; want confirmed", u.EmailPending, u.VerifyTokenHash)
	}
	e.signIn(email, goodPassword)
	if r := e.call("POST", "/v1/email-verifications/"+tok, "", nil); r.Status != 410 || r.Code() != "token_expired" {
		t.Errorf("the link a second time = %d %s; want 410", r.Status, r.Body)
	}
	for _, bad := range []string{"not-a-token", strings.Repeat("A", 43), "%00"} {
		if r := e.call("POST", "/v1/email-verifications/"+bad, "", nil); r.Status != 410 {
			t.Errorf("confirm %q = %d; want 410", bad, r.Status)
		}
	}
}

// TestSignUpTakenAddressLooksTheSame: signing up with an address that has a
// confirmed user answers exactly as for a new one, changes nothing, and
// tells the owner of the address by mail.
func TestSignUpTakenAddressLooksTheSame(t *testing.T) {
	e := newEnv(t)
	taken := testenv.Email("taken")
	id := e.signUp(taken)
	before := e.user(id)
	fresh := e.call("POST", "/v1/users", "", signUpBody(testenv.Email("fresh")))
	body := signUpBody(strings.ToUpper(taken))
	body["password"], body["name"] = "Another-Long-Phrase-42", "Mallory"
	again := e.call("POST", "/v1/users", "", body)
	if again.Status != 202 || string(again.Body) != string(fresh.Body) {
		t.Errorf("sign-up with a taken address = %d %s; want what a new one gets: %d %s", again.Status, again.Body, fresh.Status, fresh.Body)
	}
	mails := testenv.WaitMails(t, taken, 2)
	if len(mails) != 2 || !strings.Contains(mails[1].Subject, "tried to sign up") ||
		!strings.Contains(mails[1].Body.Text, testenv.PortalURL+"/sign-in") || !strings.Contains(mails[1].Body.Text, testenv.PortalURL+"/forgot-password") {
		t.Fatalf("mails to the taken address = %+v; want a 'someone tried to sign up' mail with sign-in and reset links", mails)
	}
	after := e.user(id)
	if after.PasswordHash != before.PasswordHash || after.Name != before.Name {
		t.Error("a sign-up with a taken address changed its user")
	}
	e.signIn(taken, goodPassword)
}

// TestSignUpPendingAddressReplaced: a pending sign-up reserves nothing. A
// second sign-up of the address replaces the first one's credentials and
// link, so whoever holds the mailbox decides which becomes the user.
func TestSignUpPendingAddressReplaced(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("squat")
	squatter := signUpBody(email)
	squatter["password"] = "Squatter-Chose-This-9"
	e.call("POST", "/v1/users", "", squatter)
	first := e.verifyToken(email, 1)
	if r := e.call("POST", "/v1/users", "", signUpBody(email)); r.Status != 202 {
		t.Fatalf("second sign-up = %d", r.Status)
	}
	second := e.verifyToken(email, 2)
	if r := e.call("POST", "/v1/email-verifications/"+first, "", nil); r.Status != 410 {
		t.Errorf("the first, superseded link = %d; want 410", r.Status)
	}
	if r := e.call("POST", "/v1/email-verifications/"+second, "", nil); r.Status != 204 {
		t.Fatalf("the newest link = %d %s; want 204", r.Status, r.Body)
	}
	e.signIn(email, goodPassword)
	if r := e.call("POST", "/v1/sessions", "", map[string]string{"email": email, "password": "Squatter-Chose-This-9"}); r.Status != 401 {
		t.Errorf("the first sign-up's password = %d; want 401", r.Status)
	}
}

// TestSignUpConcurrentOneEmail: ten parallel sign-ups of one address all
// get the same 202 and one user exists. Sign-ups mail the address, so only
// three an hour go through (the hourly limit of the address); of the three
// links mailed exactly one — the newest — confirms it.
func TestSignUpConcurrentOneEmail(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("race")
	var wg sync.WaitGroup
	statuses := make([]response, 10)
	for i := range statuses {
		wg.Go(func() { statuses[i] = e.call("POST", "/v1/users", "", signUpBody(email)) })
	}
	wg.Wait()
	for _, r := range statuses {
		if r.Status != 202 || string(r.Body) != string(statuses[0].Body) {
			t.Errorf("concurrent sign-up = %d %s; want the one 202", r.Status, r.Body)
		}
	}
	testenv.WaitMails(t, email, 3)
	time.Sleep(500 * time.Millisecond) // a fourth would have come by now
	mails := testenv.MailsTo(t, email)
	confirmed := 0
	for i := range mails {
		if r := e.call("POST", "/v1/email-verifications/"+e.verifyToken(email, i+1), "", nil); r.Status == 204 {
			confirmed++
		}
	}
	if len(mails) != 3 || confirmed != 1 {
		t.Fatalf("%d mails, %d links confirmed; want 3 (the hourly limit) and exactly 1", len(mails), confirmed)
	}
	u, _, err := e.d.Users.SignIn(context.Background(), email, goodPassword, identity.Client{})
	if err != nil || u.ID != e.userID(email) {
		t.Errorf("sign in after the race = %v, %v", u, err)
	}
}

// TestVerificationResendAndExpiry: a pending user can ask for a new link
// (the old one stops working); with the sign-up, at most three mails an hour
// go to the address; the answer is the same for any address; a link runs out
// after 24 hours.
func TestVerificationResendAndExpiry(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("resend")
	e.call("POST", "/v1/users", "", signUpBody(email))
	first := e.verifyToken(email, 1)
	unknown := e.call("POST", "/v1/email-verifications", "", map[string]string{"email": testenv.Email("nobody")})
	r := e.call("POST", "/v1/email-verifications", "", map[string]string{"email": email})
	if r.Status != 202 || string(r.Body) != string(unknown.Body) {
		t.Fatalf("resend = %d %s; want the same 202 as for an unknown address (%s)", r.Status, r.Body, unknown.Body)
	}
	if e.verifyToken(email, 2) == first {
		t.Error("the resend mailed the same link")
	}
	if r := e.call("POST", "/v1/email-verifications/"+first, "", nil); r.Status != 410 {
		t.Errorf("the superseded link = %d; want 410", r.Status)
	}
	for range 3 {
		e.call("POST", "/v1/email-verifications", "", map[string]string{"email": email})
	}
	time.Sleep(500 * time.Millisecond)
	if n := len(testenv.MailsTo(t, email)); n != 3 {
		t.Errorf("%d mails after a sign-up and four resends in an hour; want 3 (the hourly limit)", n)
	}
	if r := e.call("POST", "/v1/email-verifications", "", map[string]string{"email": "not an address"}); r.Status != 400 {
		t.Errorf("resend with a bad address = %d; want 400", r.Status)
	}
	e.clock.Add(25 * time.Hour)
	latest := e.verifyToken(email, 3)
	if r := e.call("POST", "/v1/email-verifications/"+latest, "", nil); r.Status != 410 {
		t.Errorf("a link 25 hours old = %d; want 410", r.Status)
	}
}

func TestSignUpBadInput(t *testing.T) {
	e := newEnv(t)
	good := func() map[string]any { return signUpBody(testenv.Email("bad")) }
	with := func(k string, v any) map[string]any { b := good(); b[k] = v; return b }
	without := func(k string) map[string]any { b := good(); delete(b, k); return b }
	ans := func(mod func([]map[string]string) []map[string]string) map[string]any {
		return with("securityAnswers", mod(answers()))
	}
	tests := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"malformed json", `{"email":`, 400, "invalid_json"},
		{"extra field", with("admin", true), 400, "unknown_field"},
		{"wrong type", with("email", 42), 400, "invalid_field_type"},
		{"answers not a list", with("securityAnswers", "q01"), 400, "invalid_field_type"},
		{"missing email", without("email"), 400, "invalid_email"},
		{"invalid email", with("email", "not-an-email"), 400, "invalid_email"},
		{"header injection", with("email", "a@b.example\r\nBcc: x@y.example"), 400, "invalid_email"},
		{"overlong email", with("email", strings.Repeat("a", 250)+"@b.example"), 400, "invalid_email"},
		{"missing name", without("name"), 400, "invalid_name"},
		{"overlong name", with("name", strings.Repeat("n", 101)), 400, "invalid_name"},
		{"control characters in name", with("name", "Pat\x00Partner"), 400, "invalid_name"},
		{"missing password", without("password"), 400, "invalid_password"},
		{"huge password", with("password", strings.Repeat("p", 5000)), 400, "invalid_password"},
		{"two answers", ans(func(a []map[string]string) []map[string]string { return a[:2] }), 400, "invalid_security_answers"},
		{"unknown question", ans(func(a []map[string]string) []map[string]string { a[0]["questionId"] = "q99"; return a }), 400, "invalid_security_answers[0].question_id"},
		{"repeated question", ans(func(a []map[string]string) []map[string]string { a[2]["questionId"] = "q01"; return a }), 400, "invalid_security_answers[2].question_id"},
		{"blank answer", ans(func(a []map[string]string) []map[string]string { a[1]["answer"] = "   "; return a }), 400, "invalid_security_answers[1].answer"},
		{"overlong answer", ans(func(a []map[string]string) []map[string]string { a[1]["answer"] = strings.Repeat("x", 101); return a }), 400, "invalid_security_answers[1].answer"},
		{"weak password", with("password", "password1234"), 422, "password_policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call("POST", "/v1/users", "", tt.body)
			if r.Status != tt.status || r.Code() != tt.code {
				t.Fatalf("POST /v1/users = %d %s; want %d %s", r.Status, r.Body, tt.status, tt.code)
			}
			if m, ok := tt.body.(map[string]any); ok {
				if email, ok := m["email"].(string); ok && strings.Contains(email, "@trade.test") && e.emailClaimed(email) {
					t.Errorf("a rejected sign-up wrote the user %s", email)
				}
			}
		})
	}
}

func TestPasswordPolicyRules(t *testing.T) {
	tests := []struct {
		name        string
		composition bool
		password    string
		rules       []string
	}{
		{"too short", false, "Kx9#mP2!vQz", []string{"min_length"}},
		{"too long", false, strings.Repeat("Zq8#", 33), []string{"max_length"}},
		{"common", false, "password1234", []string{"common_password"}},
		{"breached keyboard walk", false, "qwertyuiop123", []string{"common_password"}},
		{"contains email", false, "EMAILPART-Lantern-Tide", []string{"contains_email"}},
		{"several at once", false, "qwerty", []string{"min_length", "common_password"}},
		{"composition off: lower-case passphrase passes", false, "harbour lantern tide quietly", nil},
		{"composition on: same passphrase", true, "harbour lantern tide quietly", []string{"uppercase", "digit"}},
		{"composition on: no special", true, "HarbourLanternTide2026", []string{"special"}},
		{"composition on: good", true, goodPassword, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *portal.Config) { c.Policy.Composition = tt.composition })
			email := testenv.Email("emailpart")
			body := signUpBody(email)
			local, _, _ := strings.Cut(email, "@")
			body["password"] = strings.ReplaceAll(tt.password, "EMAILPART", local)
			r := e.call("POST", "/v1/users", "", body)
			if tt.rules == nil {
				if r.Status != 202 {
					t.Fatalf("sign-up = %d %s; want 202", r.Status, r.Body)
				}
				return
			}
			var got struct {
				Error struct {
					Code    string `json:"code"`
					Details []struct {
						Rule    string `json:"rule"`
						Message string `json:"message"`
					} `json:"details"`
				} `json:"error"`
			}
			if err := jsonUnmarshal(r.Body, &got); err != nil || r.Status != 422 || got.Error.Code != "password_policy" {
				t.Fatalf("sign-up = %d %s; want 422 password_policy", r.Status, r.Body)
			}
			var rules []string
			for _, d := range got.Error.Details {
				rules = append(rules, d.Rule)
				if d.Message == "" {
					t.Errorf("rule %s has no message", d.Rule)
				}
			}
			if strings.Join(rules, ",") != strings.Join(tt.rules, ",") {
				t.Errorf("broken rules = %v; want %v", rules, tt.rules)
			}
			if e.emailClaimed(email) {
				t.Errorf("a refused sign-up was stored")
			}
		})
	}
}

func TestPasswordPolicyDescribed(t *testing.T) {
	e := newEnv(t, func(c *portal.Config) { c.Policy.Composition = true })
	r := e.call(http.MethodGet, "/v1/password-policy", "", nil)
	body := string(r.Body)
	if r.Status != 200 || !strings.Contains(body, `"minLength":12`) || !strings.Contains(body, `"maxLength":128`) ||
		!strings.Contains(body, `"rule":"common_password"`) || !strings.Contains(body, `"rule":"special"`) || !strings.Contains(body, `"historySize":5`) {
		t.Errorf("GET /v1/password-policy = %d %s", r.Status, body)
	}
	r = e.call(http.MethodGet, "/v1/security-questions", "", nil)
	var q struct {
		Questions []identity.Question `json:"questions"`
	}
	if err := jsonUnmarshal(r.Body, &q); err != nil || r.Status != 200 || len(q.Questions) < 12 {
		t.Errorf("GET /v1/security-questions = %d %s; want at least 12", r.Status, r.Body)
	}
}
