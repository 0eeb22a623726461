package identity_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/password"
	"github.com/partner-portal/portal/shared/portal"
)

func TestSignUpStoresOnlyHashes(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("pat")
	r := e.call("POST", "/v1/users", "", signUpBody("  "+strings.ToUpper(email)+" "))
	if r.Status != 201 {
		t.Fatalf("POST /v1/users = %d %s; want 201", r.Status, r.Body)
	}
	got := r.JSON()
	if got["email"] != email || got["id"] == "" {
		t.Errorf("body = %v; want the trimmed, lower-cased email and an id", got)
	}
	u := e.user(got["id"].(string))
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
}

func TestSignUpDuplicateEmail(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("dup")
	e.signUp(email)
	r := e.call("POST", "/v1/users", "", signUpBody(strings.ToUpper(email)))
	if r.Status != 409 || r.Code() != "email_taken" {
		t.Errorf("second sign-up = %d %s; want 409 email_taken", r.Status, r.Body)
	}
}

func TestSignUpConcurrentOneEmail(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("race")
	var wg sync.WaitGroup
	statuses := make([]response, 10)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = e.call("POST", "/v1/users", "", signUpBody(email))
		}()
	}
	wg.Wait()
	created, taken := 0, 0
	var id string
	for _, r := range statuses {
		switch {
		case r.Status == 201:
			created++
			id = r.JSON()["id"].(string)
		case r.Status == 409 && r.Code() == "email_taken":
			taken++
		default:
			t.Errorf("concurrent sign-up = %d %s", r.Status, r.Body)
		}
	}
	if created != 1 || taken != 9 {
		t.Fatalf("10 concurrent sign-ups: %d created, %d email_taken; want 1 and 9", created, taken)
	}
	// The claim points at the one user that was created.
	u, err := e.d.Users.SignIn(context.Background(), email, goodPassword, identity.Client{}, nil)
	if err != nil || u.ID != id {
		t.Errorf("sign in after the race = %v, %v; want user %s", u, err, id)
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
				if r.Status != 201 {
					t.Fatalf("sign-up = %d %s; want 201", r.Status, r.Body)
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
