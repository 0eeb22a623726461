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

func TestSignInBodyAndCookie(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("signin")
	id := e.signUp(email)
	r := e.call("POST", "/v1/sessions", "", map[string]string{"email": strings.ToUpper(email), "password": goodPassword})
	if r.Status != 201 {
		t.Fatalf("POST /v1/sessions = %d %s", r.Status, r.Body)
	}
	body := r.JSON()
	token, _ := body["token"].(string)
	if !session.IsSessionToken(token) || !strings.HasSuffix(token, "."+id) || body["expiresAt"] == "" || body["user"].(map[string]any)["id"] != id {
		t.Errorf("sign-in body = %v", body)
	}
	expires, err := time.Parse(time.RFC3339, body["expiresAt"].(string))
	if err != nil || expires.Sub(e.clock.Now()) > 12*time.Hour+time.Second || expires.Sub(e.clock.Now()) < 12*time.Hour-time.Minute {
		t.Errorf("expiresAt = %v; want the 12 h absolute lifetime", body["expiresAt"])
	}
	cookie := r.Header.Get("Set-Cookie")
	for _, want := range []string{session.CookieName + "=" + token, "Path=/", "HttpOnly", "Secure", "SameSite=Lax"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("Set-Cookie %q lacks %q", cookie, want)
		}
	}
	if strings.Contains(strings.ToLower(cookie), "domain=") {
		t.Errorf("Set-Cookie %q has a Domain; __Host- cookies must not", cookie)
	}
	// The token is stored only as its hash.
	var sess session.Session
	found, err := e.d.Store.Get(context.Background(), storeKey("SESSION#"+session.HashToken(token), "SESSION"), &sess)
	if err != nil || !found || sess.UserID != id {
		t.Fatalf("session item by token hash: found=%v err=%v", found, err)
	}
	if found, _ := e.d.Store.Get(context.Background(), storeKey("SESSION#"+token, "SESSION"), &sess); found {
		t.Errorf("a session is stored under the raw token")
	}

	// The session works as a bearer token and as the cookie.
	if r := e.call("GET", "/v1/me", token, nil); r.Status != 200 || r.JSON()["user"].(map[string]any)["email"] != email {
		t.Errorf("GET /v1/me with bearer = %d %s", r.Status, r.Body)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/v1/me", nil)
	req.AddCookie(&http.Cookie{Name: session.CookieName, Value: token})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("GET /v1/me with the cookie = %d", res.StatusCode)
	}
	if r := e.call("GET", "/v1/me", "", nil); r.Status != 401 || r.Code() != "unauthenticated" {
		t.Errorf("GET /v1/me without a session = %d %s; want 401", r.Status, r.Body)
	}
	if r := e.call("GET", "/v1/me", "forged-token", nil); r.Status != 401 {
		t.Errorf("GET /v1/me with a forged token = %d", r.Status)
	}
	me := e.call("GET", "/v1/me", token, nil).JSON()
	if ms, ok := me["memberships"].([]any); !ok || len(ms) != 0 {
		t.Errorf("memberships = %v; want an empty list", me["memberships"])
	}
	if u := e.user(id); u.LastSignInAt == nil {
		t.Errorf("lastSignInAt not recorded")
	}
}

func TestSignInFailuresLookAlike(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("alike")
	e.signUp(email)
	suspended := testenv.Email("suspended")
	sid := e.signUp(suspended)
	admin := testenv.Email("admin")
	e.staff(admin, identity.Admin)
	if r := e.call("POST", "/v1/users/"+sid+"/suspend", e.signIn(admin, goodPassword), nil); r.Status != 204 {
		t.Fatalf("suspend = %d %s", r.Status, r.Body)
	}
	cases := map[string]map[string]string{
		"unknown email":  {"email": testenv.Email("nobody"), "password": goodPassword},
		"wrong password": {"email": email, "password": goodPassword + "x"},
		"not an email":   {"email": "nobody", "password": goodPassword},
		"suspended":      {"email": suspended, "password": goodPassword},
	}
	var first response
	for name, body := range cases {
		r := e.call("POST", "/v1/sessions", "", body)
		if r.Status != 401 || r.Code() != "invalid_credentials" {
			t.Errorf("%s: %d %s; want 401 invalid_credentials", name, r.Status, r.Body)
		}
		if first.Body == nil {
			first = r
		} else if string(r.Body) != string(first.Body) {
			t.Errorf("%s: body %s differs from %s", name, r.Body, first.Body)
		}
		if r.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s: a failed sign-in set a cookie", name)
		}
	}
}

func TestLockout(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("lock")
	id := e.signUp(email)
	for i := 1; i <= 5; i++ {
		if r := e.call("POST", "/v1/sessions", "", map[string]string{"email": email, "password": "Wrong-Password-" + string(rune('A'+i))}); r.Status != 401 {
			t.Fatalf("wrong password %d = %d", i, r.Status)
		}
	}
	u := e.user(id)
	if u.FailedAttempts != 5 || !u.Locked(e.clock.Now()) {
		t.Fatalf("after 5 failures: count %d, locked until %d; want locked", u.FailedAttempts, u.LockedUntil)
	}
	// The 6th attempt, with the right password, is refused like any failure.
	if r := e.call("POST", "/v1/sessions", "", map[string]string{"email": email, "password": goodPassword}); r.Status != 401 || r.Code() != "invalid_credentials" {
		t.Fatalf("right password while locked = %d %s; want 401", r.Status, r.Body)
	}
	mails := lockouts(t, email)
	if len(mails) != 1 || !strings.Contains(mails[0].Body.Text, "5 failed sign-in attempts") {
		t.Fatalf("mails to %s = %+v; want exactly one lockout email", email, mails)
	}
	if !strings.Contains(mails[0].Body.Text, testenv.PortalURL+"/forgot-password") {
		t.Errorf("lockout email does not link to the configured portal: %s", mails[0].Body.Text)
	}
	events, _ := e.d.Audit.ForUser(context.Background(), id, "", 20)
	var lockouts int
	for _, ev := range events.Events {
		if ev.Action == "lockout" {
			lockouts++
		}
	}
	if lockouts != 1 {
		t.Errorf("%d lockout audit events; want 1", lockouts)
	}

	// After the lock runs out, the right password works and the count resets.
	e.clock.Add(31 * time.Minute)
	e.signIn(email, goodPassword)
	if u := e.user(id); u.FailedAttempts != 0 || u.LockedUntil != 0 {
		t.Errorf("after a good sign-in: count %d, lockedUntil %d; want cleared", u.FailedAttempts, u.LockedUntil)
	}
}

func TestUnlockByStaff(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("unlock")
	id := e.signUp(email)
	for range 5 {
		e.call("POST", "/v1/sessions", "", map[string]string{"email": email, "password": "Not-The-Password-1"})
	}
	scss := testenv.Email("scss")
	e.staff(scss, identity.SCSS)
	other := testenv.Email("other")
	e.signUp(other)
	if r := e.call("POST", "/v1/users/"+id+"/unlock", e.signIn(other, goodPassword), nil); r.Status != 403 {
		t.Errorf("unlock by a partner = %d; want 403", r.Status)
	}
	// A user of no account is not in any specialist's scope (the accounts
	// tests cover the assigned and pooled cases).
	if r := e.call("POST", "/v1/users/"+id+"/unlock", e.signIn(scss, goodPassword), nil); r.Status != 403 {
		t.Errorf("unlock by an SCSS of a user of no account = %d %s; want 403", r.Status, r.Body)
	}
	admin := testenv.Email("admin")
	e.staff(admin, identity.Admin)
	if r := e.call("POST", "/v1/users/"+id+"/unlock", e.signIn(admin, goodPassword), nil); r.Status != 204 {
		t.Fatalf("unlock by an admin = %d %s; want 204", r.Status, r.Body)
	}
	e.signIn(email, goodPassword)
	if r := e.call("POST", "/v1/users/no-such-user/unlock", e.signIn(scss, goodPassword), nil); r.Status != 404 {
		t.Errorf("unlock of an unknown user = %d; want 404", r.Status)
	}
}

func TestParallelFailuresAllCounted(t *testing.T) {
	e := newEnv(t, func(c *portal.Config) { c.Lockout.Threshold = 100 })
	email := testenv.Email("parallel")
	id := e.signUp(email)
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := e.d.Users.SignIn(context.Background(), email, "Wrong-Guess-Again-1", identity.Client{}); err != identity.ErrInvalidCredentials {
				t.Errorf("SignIn = %v", err)
			}
		}()
	}
	wg.Wait()
	if u := e.user(id); u.FailedAttempts != 50 {
		t.Errorf("after 50 parallel failures the count is %d; want 50", u.FailedAttempts)
	}
}

func TestSuspendAndReinstate(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("susp")
	id := e.signUp(email)
	userToken := e.signIn(email, goodPassword)
	admin := testenv.Email("admin")
	adminID := e.staff(admin, identity.Admin)
	adminToken := e.signIn(admin, goodPassword)
	scss := testenv.Email("scss")
	e.staff(scss, identity.SCSS)
	scssToken := e.signIn(scss, goodPassword)

	if r := e.call("POST", "/v1/users/"+adminID+"/suspend", scssToken, nil); r.Status != 403 {
		t.Errorf("SCSS suspends an admin = %d; want 403", r.Status)
	}
	if r := e.call("POST", "/v1/users/"+adminID+"/suspend", adminToken, nil); r.Status != 403 {
		t.Errorf("admin suspends themselves = %d; want 403", r.Status)
	}
	if r := e.call("POST", "/v1/users/"+id+"/suspend", userToken, nil); r.Status != 403 {
		t.Errorf("user suspends themselves = %d; want 403", r.Status)
	}
	if r := e.call("POST", "/v1/users/"+id+"/suspend", adminToken, nil); r.Status != 204 {
		t.Fatalf("admin suspends = %d %s", r.Status, r.Body)
	}
	if r := e.call("GET", "/v1/me", userToken, nil); r.Status != 401 {
		t.Errorf("the suspended user's session = %d; want 401 at once", r.Status)
	}
	if r := e.call("POST", "/v1/sessions", "", map[string]string{"email": email, "password": goodPassword}); r.Status != 401 {
		t.Errorf("suspended sign-in = %d; want 401", r.Status)
	}
	if r := e.call("POST", "/v1/users/"+id+"/reinstate", adminToken, nil); r.Status != 204 {
		t.Fatalf("reinstate = %d %s", r.Status, r.Body)
	}
	e.signIn(email, goodPassword)
}

func TestSessionExpiry(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("expiry")
	e.signUp(email)

	t.Run("idle", func(t *testing.T) {
		token := e.signIn(email, goodPassword)
		e.clock.Add(29 * time.Minute)
		if r := e.call("GET", "/v1/me", token, nil); r.Status != 200 {
			t.Fatalf("after 29 idle minutes = %d; want 200", r.Status)
		}
		e.clock.Add(29 * time.Minute) // slid: 29 minutes since the last use
		if r := e.call("GET", "/v1/me", token, nil); r.Status != 200 {
			t.Fatalf("29 minutes after the last use = %d; want 200 (sliding)", r.Status)
		}
		e.clock.Add(31 * time.Minute)
		if r := e.call("GET", "/v1/me", token, nil); r.Status != 401 {
			t.Errorf("after 31 idle minutes = %d; want 401", r.Status)
		}
	})
	t.Run("absolute", func(t *testing.T) {
		token := e.signIn(email, goodPassword)
		for elapsed := time.Duration(0); elapsed < 12*time.Hour-25*time.Minute; elapsed += 25 * time.Minute {
			e.clock.Add(25 * time.Minute)
			if r := e.call("GET", "/v1/me", token, nil); r.Status != 200 {
				t.Fatalf("active session after %v = %d; want 200", elapsed, r.Status)
			}
		}
		e.clock.Add(25 * time.Minute)
		if r := e.call("GET", "/v1/me", token, nil); r.Status != 401 {
			t.Errorf("active session past 12 h = %d; want 401", r.Status)
		}
	})
	t.Run("written at most once a minute", func(t *testing.T) {
		token := e.signIn(email, goodPassword)
		var before session.Session
		key := storeKey("SESSION#"+session.HashToken(token), "SESSION")
		_, _ = e.d.Store.Get(context.Background(), key, &before)
		e.clock.Add(30 * time.Second)
		e.call("GET", "/v1/me", token, nil)
		var after session.Session
		_, _ = e.d.Store.Get(context.Background(), key, &after)
		if !after.LastSeenAt.Equal(before.LastSeenAt) {
			t.Errorf("lastSeenAt written after 30 s")
		}
		e.clock.Add(31 * time.Second)
		e.call("GET", "/v1/me", token, nil)
		_, _ = e.d.Store.Get(context.Background(), key, &after)
		if after.LastSeenAt.Equal(before.LastSeenAt) {
			t.Errorf("lastSeenAt not written after 61 s")
		}
	})
}

func TestSignOutAndSessionList(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("sessions")
	e.signUp(email)
	a := e.signIn(email, goodPassword)
	b := e.signIn(email, goodPassword)
	other := testenv.Email("other")
	e.signUp(other)
	otherToken := e.signIn(other, goodPassword)

	var list struct {
		Sessions []struct {
			ID        string `json:"id"`
			UserAgent string `json:"userAgent"`
			Current   bool   `json:"current"`
			CreatedAt string `json:"createdAt"`
			LastSeen  string `json:"lastSeenAt"`
		} `json:"sessions"`
	}
	r := e.call("GET", "/v1/sessions", a, nil)
	if err := jsonUnmarshal(r.Body, &list); err != nil || r.Status != 200 || len(list.Sessions) != 2 {
		t.Fatalf("GET /v1/sessions = %d %s; want two", r.Status, r.Body)
	}
	var bID string
	for _, s := range list.Sessions {
		if s.UserAgent != "portal-test/1.0" || s.CreatedAt == "" || s.LastSeen == "" {
			t.Errorf("session %+v lacks its details", s)
		}
		if !s.Current {
			bID = s.ID
		}
	}
	if r := e.call("DELETE", "/v1/sessions/"+bID, otherToken, nil); r.Status != 404 {
		t.Errorf("another user ends my session = %d; want 404", r.Status)
	}
	if r := e.call("DELETE", "/v1/sessions/"+bID, a, nil); r.Status != 204 {
		t.Fatalf("DELETE /v1/sessions/{id} = %d %s", r.Status, r.Body)
	}
	if r := e.call("GET", "/v1/me", b, nil); r.Status != 401 {
		t.Errorf("ended session = %d; want 401", r.Status)
	}
	r = e.call("DELETE", "/v1/sessions/current", a, nil)
	if r.Status != 204 || !strings.Contains(r.Header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("sign out = %d, Set-Cookie %q; want 204 and the cookie cleared", r.Status, r.Header.Get("Set-Cookie"))
	}
	if r := e.call("GET", "/v1/me", a, nil); r.Status != 401 {
		t.Errorf("after sign-out = %d; want 401", r.Status)
	}
	if r := e.call("GET", "/v1/me", otherToken, nil); r.Status != 200 {
		t.Errorf("another user's session after my sign-out = %d; want 200", r.Status)
	}
}

func TestAuditListing(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("audited")
	id := e.signUp(email)
	e.call("POST", "/v1/sessions", "", map[string]string{"email": email, "password": "Not-Right-At-All-1"})
	tok := e.signIn(email, goodPassword)
	e.call("DELETE", "/v1/sessions/current", tok, nil)
	admin := testenv.Email("admin")
	e.staff(admin, identity.Admin)
	adminToken := e.signIn(admin, goodPassword)
	e.call("POST", "/v1/users/"+id+"/suspend", adminToken, nil)
	e.call("POST", "/v1/users/"+id+"/reinstate", adminToken, nil)

	want := []string{"reinstate", "suspend", "sign_out", "sign_in", "sign_in_failed", "email_verified", "sign_up"}
	var got []string
	cursor := ""
	for range 10 {
		var page struct {
			Events []struct {
				Action, IP, UserAgent, ActorID string
			} `json:"events"`
			NextCursor string `json:"nextCursor"`
		}
		r := e.call("GET", "/v1/users/"+id+"/audit?limit=4&cursor="+cursor, adminToken, nil)
		if err := jsonUnmarshal(r.Body, &page); err != nil || r.Status != 200 {
			t.Fatalf("GET audit = %d %s", r.Status, r.Body)
		}
		for _, ev := range page.Events {
			got = append(got, ev.Action)
			if ev.IP == "" || ev.UserAgent == "" || ev.ActorID == "" {
				t.Errorf("event %+v lacks who, IP or user agent", ev)
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("audit, newest first = %v; want %v", got, want)
	}
	if r := e.call("GET", "/v1/users/"+id+"/audit", tok, nil); r.Status != 401 {
		t.Errorf("audit with an ended session = %d; want 401", r.Status)
	}
	userToken := e.signIn(email, goodPassword)
	if r := e.call("GET", "/v1/users/"+id+"/audit", userToken, nil); r.Status != 403 {
		t.Errorf("a partner reads their audit = %d; want 403 (staff only)", r.Status)
	}
	if r := e.call("GET", "/v1/users/"+id+"/audit?cursor=eyJQSyI6IkFVRElUI1VTRVIjb3RoZXIifQ", adminToken, nil); r.Status != 400 || r.Code() != "invalid_cursor" {
		t.Errorf("forged cursor = %d %s; want 400 invalid_cursor", r.Status, r.Body)
	}
	if r := e.call("GET", "/v1/users/"+id+"/audit?limit=0", adminToken, nil); r.Status != 400 {
		t.Errorf("limit=0 = %d; want 400", r.Status)
	}
}

func TestRehashWhenParametersRise(t *testing.T) {
	cfg := testenv.Config(t)
	weak := cfg
	weak.Argon2 = password.Params{MemoryKiB: 8192, Iterations: 1, Parallelism: 1}
	dWeak := testenv.DepsWith(t, weak)
	email := testenv.Email("rehash")
	nu, err := identity.SignUpRequest{Email: email, Password: goodPassword, Name: "Old Hash", SecurityAnswers: toInputs(answers())}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	u, err := dWeak.Users.SignUp(context.Background(), nu, identity.Client{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(u.PasswordHash, "m=8192,t=1,p=1") {
		t.Fatalf("weak hash = %s", u.PasswordHash)
	}
	d := testenv.DepsWith(t, cfg) // same table, default (stronger) parameters
	if _, _, err := d.Users.SignIn(context.Background(), email, goodPassword, identity.Client{}); err != nil {
		t.Fatal(err)
	}
	after, err := d.Users.Get(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(after.PasswordHash, "m=19456,t=2,p=1") {
		t.Errorf("after sign-in the hash is %s; want it rehashed with the raised parameters", after.PasswordHash)
	}
	if _, _, err := d.Users.SignIn(context.Background(), email, goodPassword, identity.Client{}); err != nil {
		t.Errorf("sign-in with the rehashed password = %v", err)
	}
}
