package notice_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal"
)

// members is a portal with two accounts of one organisation, one in each
// programme, and their people signed in; emails and ids by name.
type members struct {
	d      *portal.Deps
	base   string
	tokens map[string]string
	emails map[string]string
	ids    map[string]string
}

// newMembers seeds a security account (owner "secOwner", user "secUser") and
// a trade-compliance one (owner "tcOwner", POC "tcPOC"), a specialist, an
// admin and a user of no account.
func newMembers(t *testing.T) *members {
	d, base := testenv.Portal(t, nil, nil)
	m := &members{d: d, base: base, tokens: map[string]string{}, emails: map[string]string{}, ids: map[string]string{}}
	for name, role := range map[string]identity.StaffRole{"admin": identity.Admin, "scss": identity.SCSS,
		"secOwner": "", "secUser": "", "tcOwner": "", "tcPOC": "", "nobody": ""} {
		m.emails[name], m.ids[name] = testenv.Person(t, d, name, role)
		m.tokens[name] = testenv.SignIn(t, base, m.emails[name], pw)
	}
	org := accounts.Organization{ID: "org-" + m.ids["secOwner"][:8], Name: "Notice Group"}
	seed := func(id, program string, ms ...accounts.SeedMember) {
		if err := d.Accounts.SeedAccount(context.Background(), org, account.Account{ID: id + m.ids["secOwner"][:8], Name: "Notice " + id,
			EntityType: "importer", Programs: []string{program}, ReviewDueDate: "2027-06-30"}, ms); err != nil {
			t.Fatal(err)
		}
	}
	member := func(name, role string) accounts.SeedMember {
		return accounts.SeedMember{UserID: m.ids[name], Email: m.emails[name], Role: role}
	}
	seed("sec-", "ctpat_security", member("secOwner", accounts.Owner), member("secUser", accounts.User))
	seed("tc-", "ctpat_trade_compliance", member("tcOwner", accounts.Owner), member("tcPOC", accounts.POC))
	return m
}

func (m *members) call(t *testing.T, method, path, who string, body any) testenv.Response {
	t.Helper()
	return testenv.Call(t, m.base, method, path, m.tokens[who], body)
}

// titles are the announcements who sees ("" for anonymous).
func (m *members) titles(t *testing.T, who, query string) []string {
	t.Helper()
	r := m.call(t, "GET", "/v1/announcements"+query, who, nil)
	if r.Status != 200 {
		t.Fatalf("GET /v1/announcements as %q = %d %s", who, r.Status, r.Body)
	}
	var out []string
	for _, a := range r.JSON()["announcements"].([]any) {
		out = append(out, a.(map[string]any)["title"].(string))
	}
	slices.Sort(out)
	return out
}

func announcement(title string, programs, roles []string, from, to time.Time) map[string]any {
	return map[string]any{"title": title, "body": "Details of " + title, "severity": "info",
		"startsAt": from.Format(time.RFC3339), "endsAt": to.Format(time.RFC3339), "programs": programs, "roles": roles}
}

// TestAnnouncementAudience: an announcement naming programmes and roles
// reaches only the members of those programmes' accounts holding those
// roles; one naming neither reaches everyone, signed in or not; staff see
// all.
func TestAnnouncementAudience(t *testing.T) {
	m := newMembers(t)
	now := time.Now().UTC()
	from, to := now.Add(-time.Hour), now.Add(time.Hour)
	for _, a := range []map[string]any{
		announcement("All", nil, nil, from, to),
		announcement("Security owners", []string{"ctpat_security"}, []string{"owner"}, from, to),
		announcement("Compliance", []string{"ctpat_trade_compliance"}, nil, from, to),
		announcement("Points of contact", nil, []string{"poc"}, from, to),
	} {
		if r := m.call(t, "POST", "/v1/announcements", "admin", a); r.Status != 201 {
			t.Fatalf("create %v = %d %s", a["title"], r.Status, r.Body)
		}
	}
	everything := []string{"All", "Compliance", "Points of contact", "Security owners"}
	for _, c := range []struct {
		who  string
		want []string
	}{
		{"", []string{"All"}},
		{"nobody", []string{"All"}},
		{"secOwner", []string{"All", "Security owners"}},
		{"secUser", []string{"All"}},
		{"tcOwner", []string{"All", "Compliance"}},
		{"tcPOC", []string{"All", "Compliance", "Points of contact"}},
		{"scss", everything},
		{"admin", everything},
	} {
		if got := m.titles(t, c.who, ""); !slices.Equal(got, c.want) {
			t.Errorf("%q sees %v; want %v", c.who, got, c.want)
		}
	}
	// A session that no longer works reads as nobody signed in.
	r := testenv.Call(t, m.base, "GET", "/v1/announcements", "not-a-token.x", nil)
	if list := r.JSON()["announcements"].([]any); r.Status != 200 || len(list) != 1 {
		t.Errorf("with a dead token = %d %s; want 200 and the public one", r.Status, r.Body)
	}
	bad := announcement("Bad", []string{"ctpat_everything"}, []string{"owner", "king"}, from, to)
	r = m.call(t, "POST", "/v1/announcements", "admin", bad)
	if r.Status != 400 || len(r.JSON()["error"].(map[string]any)["details"].([]any)) != 2 {
		t.Errorf("unknown programme and role = %d %s; want 400 naming programs and roles", r.Status, r.Body)
	}
}

// TestAnnouncementEditAndWithdraw: an admin edits an announcement with the
// version read (a stale version is 409 and changes nothing, bad fields are
// 400 naming each one), and withdraws it: it is gone at once. The audit
// keeps each change's before and after.
func TestAnnouncementEditAndWithdraw(t *testing.T) {
	m := newMembers(t)
	now := time.Now().UTC()
	r := m.call(t, "POST", "/v1/announcements", "admin", announcement("Portal upgrade", nil, nil, now.Add(-time.Hour), now.Add(time.Hour)))
	id, path := r.JSON()["id"].(string), "/v1/announcements/"+r.JSON()["id"].(string)
	if v := r.JSON()["version"]; v != 1.0 {
		t.Fatalf("new announcement version = %v; want 1", v)
	}
	edit := map[string]any{"version": 1, "title": "Portal upgrade on Saturday", "roles": []string{"owner"}}
	if r := m.call(t, "PATCH", path, "secOwner", edit); r.Status != 403 {
		t.Errorf("a partner edits = %d; want 403", r.Status)
	}
	r = m.call(t, "PATCH", path, "admin", edit)
	if r.Status != 200 || r.JSON()["title"] != "Portal upgrade on Saturday" || r.JSON()["version"] != 2.0 {
		t.Fatalf("edit = %d %s; want 200, version 2", r.Status, r.Body)
	}
	if got := m.titles(t, "secUser", ""); len(got) != 0 {
		t.Errorf("a plain user after the edit aimed it at owners sees %v; want nothing", got)
	}
	if got := m.titles(t, "tcOwner", ""); !slices.Equal(got, []string{"Portal upgrade on Saturday"}) {
		t.Errorf("an owner sees %v", got)
	}
	if r := m.call(t, "PATCH", path, "admin", map[string]any{"version": 1, "body": "Lost update"}); r.Status != 409 || r.Code() != "version_conflict" {
		t.Errorf("stale edit = %d %s; want 409 version_conflict", r.Status, r.Body)
	}
	r = m.call(t, "PATCH", path, "admin", map[string]any{"title": " ", "severity": "loud", "startsAt": "tomorrow", "programs": []string{"x"}})
	if r.Status != 400 || len(r.JSON()["error"].(map[string]any)["details"].([]any)) != 5 {
		t.Errorf("bad edit = %d %s; want 400 naming version, title, severity, startsAt, programs", r.Status, r.Body)
	}
	if r := m.call(t, "PATCH", path, "admin", map[string]any{"version": 2, "endsAt": now.Add(-2 * time.Hour).Format(time.RFC3339)}); r.Status != 400 || r.Code() != "invalid_ends_at" {
		t.Errorf("edit ending before it starts = %d %s; want 400 invalid_ends_at", r.Status, r.Body)
	}
	if r := m.call(t, "PATCH", path, "admin", map[string]any{"version": 2}); r.Status != 400 || r.Code() != "nothing_to_change" {
		t.Errorf("empty edit = %d %s; want 400 nothing_to_change", r.Status, r.Body)
	}
	if got := m.call(t, "GET", "/v1/announcements", "admin", nil).JSON()["announcements"].([]any); len(got) != 1 ||
		got[0].(map[string]any)["body"] != "Details of Portal upgrade" || got[0].(map[string]any)["version"] != 2.0 {
		t.Errorf("after the refused edits = %v; want version 2 unchanged", got)
	}

	if r := m.call(t, "DELETE", path, "admin", nil); r.Status != 204 {
		t.Fatalf("withdraw = %d %s", r.Status, r.Body)
	}
	if got := m.titles(t, "admin", ""); len(got) != 0 {
		t.Errorf("after withdrawal admins see %v; want nothing", got)
	}
	for _, c := range []struct {
		method string
		body   any
	}{{"DELETE", nil}, {"PATCH", map[string]any{"version": 2, "title": "Back"}}} {
		if r := m.call(t, c.method, path, "admin", c.body); r.Status != 404 || r.Code() != "announcement_not_found" {
			t.Errorf("%s after withdrawal = %d %s; want 404", c.method, r.Status, r.Body)
		}
	}
	page, err := m.d.Audit.ForUser(context.Background(), m.ids["admin"], "", 20)
	if err != nil {
		t.Fatal(err)
	}
	var edited, withdrawn bool
	for _, e := range page.Events {
		edited = edited || e.Action == "announcement_edited" && e.Details["announcementId"] == id &&
			e.Details["title.before"] == "Portal upgrade" && e.Details["title.after"] == "Portal upgrade on Saturday" && e.Details["roles.after"] == "owner"
		withdrawn = withdrawn || e.Action == "announcement_withdrawn" && e.Details["announcementId"] == id
	}
	if !edited || !withdrawn {
		t.Errorf("audit = %+v; want the edit with before and after, and the withdrawal", page.Events)
	}
}

// TestAnnouncementConcurrentEdits: of parallel edits made on the same
// version, exactly one is applied; the others are 409.
func TestAnnouncementConcurrentEdits(t *testing.T) {
	m := newMembers(t)
	now := time.Now().UTC()
	r := m.call(t, "POST", "/v1/announcements", "admin", announcement("Racing", nil, nil, now.Add(-time.Hour), now.Add(time.Hour)))
	path := "/v1/announcements/" + r.JSON()["id"].(string)
	const n = 8
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			statuses[i] = m.call(t, "PATCH", path, "admin", map[string]any{"version": 1, "body": "Edit " + string(rune('A'+i))}).Status
		})
	}
	wg.Wait()
	if ok, conflicts := count(statuses, 200), count(statuses, 409); ok != 1 || conflicts != n-1 {
		t.Errorf("parallel edits = %v; want one 200 and %d 409", statuses, n-1)
	}
	if v := m.call(t, "GET", "/v1/announcements", "admin", nil).JSON()["announcements"].([]any)[0].(map[string]any)["version"]; v != 2.0 {
		t.Errorf("version after the race = %v; want 2", v)
	}
}

func count(xs []int, x int) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}
