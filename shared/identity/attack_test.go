package identity_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal"
)

// lockouts returns the lockout emails the local SES holds for email, once
// the first has come and a late second one has had time to arrive.
func lockouts(t *testing.T, email string) []testenv.Mail {
	t.Helper()
	find := func() []testenv.Mail {
		var out []testenv.Mail
		for _, m := range testenv.MailsTo(t, email) {
			if strings.Contains(m.Subject, "locked") {
				out = append(out, m)
			}
		}
		return out
	}
	for deadline := time.Now().Add(5 * time.Second); len(find()) == 0 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	return find()
}

// TestBurstCannotPassLockout fires 199 wrong guesses and the right password
// at once, all reading the user before the lock lands. Accepting a password
// is one conditional write (below the threshold, not locked), so the right
// guess cannot wipe the lock the wrong ones set: the user ends locked, the
// right password is refused afterwards, and exactly one lockout mail goes
// out. Before, the right guess cleared the lock unconditionally and later
// failures locked the user a second time.
func TestBurstCannotPassLockout(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("burst")
	id := e.signUp(email)
	var wg sync.WaitGroup
	var created, refused atomic.Int32
	for i := range 200 {
		pw := "Wrong-Guess-Number-" + string(rune('A'+i%26)) + strings.Repeat("x", i/26)
		if i == 120 {
			pw = goodPassword
		}
		wg.Go(func() {
			switch r := e.call("POST", "/v1/sessions", "", map[string]string{"email": email, "password": pw}); {
			case r.Status == 201:
				created.Add(1)
			case r.Status == 401 && r.Code() == "invalid_credentials":
				refused.Add(1)
			default:
				t.Errorf("guess = %d %s; want 401 or 201", r.Status, r.Body)
			}
		})
	}
	wg.Wait()
	if created.Load() > 1 || created.Load()+refused.Load() != 200 {
		t.Fatalf("burst: %d signed in, %d refused; want at most 1 and the rest refused", created.Load(), refused.Load())
	}
	u := e.user(id)
	if !u.Locked(e.clock.Now()) {
		t.Fatalf("after 199 wrong guesses the user is not locked (count %d, lockedUntil %d)", u.FailedAttempts, u.LockedUntil)
	}
	if r := e.call("POST", "/v1/sessions", "", map[string]string{"email": email, "password": goodPassword}); r.Status != 401 {
		t.Fatalf("right password after the burst = %d %s; want 401", r.Status, r.Body)
	}
	if n := len(lockouts(t, email)); n != 1 {
		t.Errorf("%d lockout mails; want exactly 1", n)
	}
}

// TestSignInRacingSuspension runs 50 sign-ins with the right password while
// an admin suspends the user. Whatever order they land in, every token a
// sign-in returned is refused afterwards: a session carries the user's
// session epoch, which the suspension raised.
func TestSignInRacingSuspension(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("race")
	id := e.signUp(email)
	admin := testenv.Email("admin")
	e.staff(admin, identity.Admin)
	adminToken := e.signIn(admin, goodPassword)

	var wg sync.WaitGroup
	var mu sync.Mutex
	var tokens []string
	first := make(chan struct{})
	var once sync.Once
	for range 50 {
		wg.Go(func() {
			r := e.call("POST", "/v1/sessions", "", map[string]string{"email": email, "password": goodPassword})
			if r.Status == 201 {
				mu.Lock()
				tokens = append(tokens, r.JSON()["token"].(string))
				mu.Unlock()
				once.Do(func() { close(first) })
			}
		})
	}
	select {
	case <-first:
	case <-time.After(30 * time.Second):
		t.Fatal("no sign-in succeeded")
	}
	if r := e.call("POST", "/v1/users/"+id+"/suspend", adminToken, nil); r.Status != 204 {
		t.Fatalf("suspend = %d %s", r.Status, r.Body)
	}
	wg.Wait()
	if len(tokens) == 0 {
		t.Fatal("no tokens to check")
	}
	for i, tok := range tokens {
		if r := e.call("GET", "/v1/me", tok, nil); r.Status != 401 {
			t.Errorf("token %d of %d after the suspension: GET /v1/me = %d; want 401", i+1, len(tokens), r.Status)
		}
	}
	if r := e.call("POST", "/v1/sessions", "", map[string]string{"email": email, "password": goodPassword}); r.Status != 401 {
		t.Errorf("sign-in of the suspended user = %d; want 401", r.Status)
	}
}

// TestPasswordChangeKeepsOnlyItsSession: a signed-in password change ends
// every other session at once (the epoch moves) and keeps the one it was
// made from.
func TestPasswordChangeKeepsOnlyItsSession(t *testing.T) {
	d, base := testenv.Portal(t, nil, nil)
	email, _ := testenv.Person(t, d, "keep", "")
	here := testenv.SignIn(t, base, email, testenv.Password)
	elsewhere := testenv.SignIn(t, base, email, testenv.Password)
	r := testenv.Call(t, base, "POST", "/v1/me/password", here, map[string]string{
		"currentPassword": testenv.Password, "newPassword": "Quiet-Meadow-Lantern-88"})
	if r.Status != 204 {
		t.Fatalf("password change = %d %s", r.Status, r.Body)
	}
	if r := testenv.Call(t, base, "GET", "/v1/me", here, nil); r.Status != 200 {
		t.Errorf("the session the change was made from = %d; want 200", r.Status)
	}
	if r := testenv.Call(t, base, "GET", "/v1/me", elsewhere, nil); r.Status != 401 {
		t.Errorf("another session after the change = %d; want 401", r.Status)
	}
}

// TestLockedUserRefusedOnSecretRoutes: once a user is locked, the routes
// that check their password on a live session (password change, security
// answers change) refuse even the right password with the same answer as a
// wrong one, and change nothing.
func TestLockedUserRefusedOnSecretRoutes(t *testing.T) {
	var clock testenv.Clock
	d, base := testenv.Portal(t, func(c *portal.Config) { c.Lockout.Duration = 10 * time.Minute }, func(d *portal.Deps) {
		if err := d.WithClock(clock.Now); err != nil {
			t.Fatal(err)
		}
	})
	email, id := testenv.Person(t, d, "locked", "")
	token := testenv.SignIn(t, base, email, testenv.Password)
	for i := range 5 {
		r := testenv.Call(t, base, "POST", "/v1/sessions", "", map[string]string{"email": email, "password": "Wrong-Password-" + string(rune('A'+i))})
		if r.Status != 401 {
			t.Fatalf("wrong password %d = %d", i, r.Status)
		}
	}
	before, _ := d.Users.Get(context.Background(), id)
	if !before.Locked(clock.Now()) {
		t.Fatal("the user is not locked after 5 wrong passwords")
	}
	wrong := testenv.Call(t, base, "POST", "/v1/me/password", token, map[string]string{
		"currentPassword": "Not-My-Password-9", "newPassword": "Quiet-Meadow-Lantern-88"})
	right := testenv.Call(t, base, "POST", "/v1/me/password", token, map[string]string{
		"currentPassword": testenv.Password, "newPassword": "Quiet-Meadow-Lantern-88"})
	if right.Status != 403 || right.Code() != wrong.Code() || string(right.Body) != string(wrong.Body) {
		t.Errorf("password change while locked: right password = %d %s, wrong = %d %s; want the same 403", right.Status, right.Body, wrong.Status, wrong.Body)
	}
	answers := testenv.Call(t, base, "PUT", "/v1/me/security-answers", token, map[string]any{
		"currentPassword": testenv.Password, "securityAnswers": []map[string]string{
			{"questionId": "q02", "answer": "x"}, {"questionId": "q03", "answer": "y"}, {"questionId": "q04", "answer": "z"}}})
	if answers.Status != 403 || answers.Code() != wrong.Code() {
		t.Errorf("answers change while locked with the right password = %d %s; want %d %s", answers.Status, answers.Body, wrong.Status, wrong.Code())
	}
	after, _ := d.Users.Get(context.Background(), id)
	if after.PasswordHash != before.PasswordHash || after.SecurityAnswers[0].QuestionID != before.SecurityAnswers[0].QuestionID {
		t.Error("a refused change changed the user")
	}
	// Once the lock has run out the same change goes through.
	clock.Add(11 * time.Minute)
	if r := testenv.Call(t, base, "POST", "/v1/me/password", token, map[string]string{
		"currentPassword": testenv.Password, "newPassword": "Quiet-Meadow-Lantern-88"}); r.Status != 204 {
		t.Errorf("password change after the lock ran out = %d %s; want 204", r.Status, r.Body)
	}
}
