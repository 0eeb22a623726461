package notice_test

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const pw = testenv.Password

// serve runs the whole portal for d and returns its address.
func serve(t *testing.T, d *portal.Deps) string {
	t.Helper()
	srv := httptest.NewServer(portal.Handler(d, portal.AllRoutes(d)))
	t.Cleanup(srv.Close)
	return srv.URL
}

func person(t *testing.T, d *portal.Deps, base string, role identity.StaffRole) (string, string) {
	t.Helper()
	email, _ := testenv.Person(t, d, "p", role)
	return email, testenv.SignIn(t, base, email, pw)
}

func TestFreeze(t *testing.T) {
	cfg := testenv.Config(t)
	d := testenv.DepsWith(t, cfg)
	base := serve(t, d)
	adminEmail, admin := person(t, d, base, identity.Admin)
	userEmail, user := person(t, d, base, "")
	now := time.Now().UTC()
	write := func(base, token string) testenv.Response {
		return testenv.Call(t, base, "POST", "/v1/organizations", token, map[string]string{"name": "During the freeze"})
	}
	if r := write(base, admin); r.Status != 201 {
		t.Fatalf("write before the freeze = %d", r.Status)
	}
	r := testenv.Call(t, base, "POST", "/v1/freezes", admin, map[string]string{
		"startsAt": now.Add(-time.Minute).Format(time.RFC3339), "endsAt": now.Add(time.Hour).Format(time.RFC3339),
		"message": "The portal is read-only during the annual data migration."})
	if r.Status != 201 {
		t.Fatalf("create freeze = %d %s", r.Status, r.Body)
	}
	id := r.JSON()["id"].(string)

	// Writes are refused at once in this process, with the window and Retry-After.
	r = write(base, admin)
	if r.Status != 503 || r.Code() != "data_freeze" || !strings.Contains(string(r.Body), "annual data migration") || !strings.Contains(string(r.Body), `"endsAt"`) {
		t.Fatalf("write during the freeze = %d %s; want 503 data_freeze with the message and window", r.Status, r.Body)
	}
	if ra, _ := strconv.Atoi(r.Header.Get("Retry-After")); ra < 3500 || ra > 3601 {
		t.Errorf("Retry-After = %q; want about an hour", r.Header.Get("Retry-After"))
	}
	for _, c := range []struct{ method, path string }{
		{"PUT", "/v1/me/security-answers"}, {"DELETE", "/v1/sessions/someone"}, {"POST", "/v1/users"},
	} {
		if r := testenv.Call(t, base, c.method, c.path, user, map[string]string{}); r.Status != 503 {
			t.Errorf("%s %s during the freeze = %d; want 503", c.method, c.path, r.Status)
		}
	}
	// Reads and the exempt writes go on.
	if r := testenv.Call(t, base, "GET", "/v1/me", user, nil); r.Status != 200 {
		t.Errorf("read during the freeze = %d; want 200", r.Status)
	}
	if r := testenv.Call(t, base, "POST", "/v1/sessions", "", map[string]string{"email": userEmail, "password": pw}); r.Status != 201 {
		t.Errorf("sign-in during the freeze = %d; want 201", r.Status)
	}
	if r := testenv.Call(t, base, "POST", "/v1/password-resets", "", map[string]string{"email": adminEmail}); r.Status != 202 {
		t.Errorf("reset request during the freeze = %d; want 202", r.Status)
	}
	if r := testenv.Call(t, base, "DELETE", "/v1/sessions/current", user, nil); r.Status != 204 {
		t.Errorf("sign-out during the freeze = %d; want 204", r.Status)
	}
	freezes := testenv.Call(t, base, "GET", "/v1/freezes", "", nil).JSON()["freezes"].([]any)
	if len(freezes) != 1 || freezes[0].(map[string]any)["id"] != id {
		t.Errorf("GET /v1/freezes = %v", freezes)
	}

	// Lifting takes effect at once here.
	if r := testenv.Call(t, base, "DELETE", "/v1/freezes/"+id, admin, nil); r.Status != 204 {
		t.Fatalf("lift = %d %s", r.Status, r.Body)
	}
	if r := write(base, admin); r.Status != 201 {
		t.Errorf("write after lifting = %d; want 201 at once", r.Status)
	}
	if r := testenv.Call(t, base, "DELETE", "/v1/freezes/"+id, admin, nil); r.Status != 404 {
		t.Errorf("lifting twice = %d; want 404", r.Status)
	}
}

// TestFreezeReachesOtherProcesses: another process sees a freeze, and its
// lifting, within its cache time (30 seconds; shortened here).
func TestFreezeReachesOtherProcesses(t *testing.T) {
	cfg := testenv.Config(t)
	d1 := testenv.DepsWith(t, cfg)
	d2 := testenv.DepsWith(t, cfg)
	d2.Notices.CacheFor = 300 * time.Millisecond
	b1, b2 := serve(t, d1), serve(t, d2)
	_, admin := person(t, d1, b1, identity.Admin)
	write := func() int {
		return testenv.Call(t, b2, "POST", "/v1/organizations", admin, map[string]string{"name": "X"}).Status
	}
	if s := write(); s != 201 {
		t.Fatalf("write = %d", s)
	}
	now := time.Now().UTC()
	r := testenv.Call(t, b1, "POST", "/v1/freezes", admin, map[string]string{
		"startsAt": now.Add(-time.Minute).Format(time.RFC3339), "endsAt": now.Add(time.Hour).Format(time.RFC3339), "message": "Frozen"})
	id := r.JSON()["id"].(string)
	time.Sleep(350 * time.Millisecond)
	if s := write(); s != 503 {
		t.Errorf("the other process after its cache time = %d; want 503", s)
	}
	testenv.Call(t, b1, "DELETE", "/v1/freezes/"+id, admin, nil)
	time.Sleep(350 * time.Millisecond)
	if s := write(); s != 201 {
		t.Errorf("the other process after the lifting = %d; want 201", s)
	}
}

func TestAnnouncements(t *testing.T) {
	cfg := testenv.Config(t)
	d := testenv.DepsWith(t, cfg)
	base := serve(t, d)
	_, admin := person(t, d, base, identity.Admin)
	_, user := person(t, d, base, "")
	now := time.Now().UTC()
	post := func(token, title, severity string, from, to time.Time) testenv.Response {
		return testenv.Call(t, base, "POST", "/v1/announcements", token, map[string]string{"title": title, "body": "Details of " + title,
			"severity": severity, "startsAt": from.Format(time.RFC3339), "endsAt": to.Format(time.RFC3339)})
	}
	if r := post(admin, "Now", "warning", now.Add(-time.Hour), now.Add(time.Hour)); r.Status != 201 {
		t.Fatalf("create = %d %s", r.Status, r.Body)
	}
	post(admin, "Later", "info", now.Add(24*time.Hour), now.Add(48*time.Hour))
	if r := post(user, "Mine", "info", now, now.Add(time.Hour)); r.Status != 403 {
		t.Errorf("a partner announces = %d; want 403", r.Status)
	}
	if r := post(admin, "", "loud", now, now.Add(-time.Hour)); r.Status != 400 || len(r.JSON()["error"].(map[string]any)["details"].([]any)) != 3 {
		t.Errorf("bad announcement = %d %s; want 400 naming title, severity, endsAt", r.Status, r.Body)
	}
	list := testenv.Call(t, base, "GET", "/v1/announcements", "", nil).JSON()["announcements"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["title"] != "Now" || list[0].(map[string]any)["severity"] != "warning" {
		t.Errorf("current announcements = %v; want only the one in force", list)
	}
}
