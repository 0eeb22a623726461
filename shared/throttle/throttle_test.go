package throttle_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/portal"
	"github.com/partner-portal/portal/shared/throttle"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const limit = 3

// from returns a client whose connections leave from the loopback address
// ip (all of 127.0.0.0/8 is this machine on Linux), so the portal sees a
// different source address.
func from(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

type answer struct {
	status int
	code   string
	retry  string
}

func post(t *testing.T, c *http.Client, url string, body any) answer {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", url, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, testenv.Response{Body: b}.Code(), res.Header.Get("Retry-After")}
}

// TestSignInLimitPerAddress: after the limit, a sign-in from the same
// address is 429 rate_limited with Retry-After, even with the right
// password, and neither hashes nor touches the user (the failure count is
// unchanged, no session starts). Another address still signs in, and the
// next window lets the first one in again.
func TestSignInLimitPerAddress(t *testing.T) {
	clock := &testenv.Clock{}
	d, base := testenv.Portal(t, func(c *portal.Config) { c.Throttle.PerMinute = limit }, func(d *portal.Deps) {
		if err := d.WithClock(clock.Now); err != nil {
			t.Fatal(err)
		}
	})
	// Start at the beginning of a window, so the test cannot cross one.
	now := clock.Now()
	clock.Add(now.Truncate(time.Minute).Add(time.Minute).Sub(now))
	ctx := context.Background()
	email, id := testenv.Person(t, d, "limited", "")
	a, b := from("127.0.0.1"), from("127.0.0.2")
	signIn := base + "/v1/sessions"

	for i := range limit {
		if got := post(t, a, signIn, map[string]string{"email": email, "password": "Wrong-Password-" + strconv.Itoa(i)}); got.status != 401 {
			t.Fatalf("wrong sign-in %d = %+v; want 401", i+1, got)
		}
	}
	got := post(t, a, signIn, map[string]string{"email": email, "password": testenv.Password})
	if got.status != 429 || got.code != "rate_limited" {
		t.Fatalf("sign-in %d with the right password = %+v; want 429 rate_limited", limit+1, got)
	}
	if s, err := strconv.Atoi(got.retry); err != nil || s < 1 || s > 60 {
		t.Errorf("Retry-After = %q; want 1..60 seconds", got.retry)
	}
	if got := post(t, a, signIn, map[string]string{"email": email, "password": "Wrong-Password-x"}); got.status != 429 {
		t.Errorf("a further wrong sign-in = %+v; want 429", got)
	}
	u, err := d.Users.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if u.FailedAttempts != limit {
		t.Errorf("failedAttempts = %d after %d counted failures and refused sign-ins; want %d", u.FailedAttempts, limit, limit)
	}
	if live, err := d.Sessions.List(ctx, id); err != nil || len(live) != 0 {
		t.Fatalf("sessions after the refused sign-ins = %d, %v; want none", len(live), err)
	}

	// Another address is not affected.
	if got := post(t, b, signIn, map[string]string{"email": email, "password": testenv.Password}); got.status != 201 {
		t.Fatalf("sign-in from another address = %+v; want 201", got)
	}
	// The next window lets the first address in again.
	clock.Add(time.Minute)
	if got := post(t, a, signIn, map[string]string{"email": email, "password": testenv.Password}); got.status != 201 {
		t.Fatalf("sign-in in the next window = %+v; want 201", got)
	}
}

// TestEachLimitedRoute: sign-up, verification resends, invitation sign-ups
// and reset requests are limited per address too, each route group on its
// own count.
func TestEachLimitedRoute(t *testing.T) {
	_, base := testenv.Portal(t, func(c *portal.Config) {
		c.Throttle.PerMinute = limit
		c.Resets.MinDuration = time.Millisecond
		c.Verification.MinDuration = time.Millisecond
	}, nil)
	a := from("127.0.0.1")
	for _, tt := range []struct {
		path string
		body any
		want int
	}{
		// An invalid sign-up creates nobody and is still counted.
		{"/v1/users", map[string]string{"email": "not an address"}, 400},
		{"/v1/password-resets", map[string]string{"email": testenv.Email("nobody")}, 202},
		{"/v1/email-verifications", map[string]string{"email": testenv.Email("nobody")}, 202},
		{"/v1/invitations/not-a-token/sign-up", map[string]any{"name": "N"}, 410},
	} {
		for i := range limit {
			if got := post(t, a, base+tt.path, tt.body); got.status != tt.want {
				t.Fatalf("POST %s #%d = %+v; want %d", tt.path, i+1, got, tt.want)
			}
		}
		if got := post(t, a, base+tt.path, tt.body); got.status != 429 || got.code != "rate_limited" || got.retry == "" {
			t.Errorf("POST %s #%d = %+v; want 429 rate_limited with Retry-After", tt.path, limit+1, got)
		}
	}
}

func TestSource(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"},
		{"not-an-ip", "not-an-ip"},
	} {
		if got := throttle.Source(tt.in); got != tt.want {
			t.Errorf("Source(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
