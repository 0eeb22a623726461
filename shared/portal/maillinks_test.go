package portal_test

import (
	"context"
	"html"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal"
)

// pagePath is every page path of DESIGN.md section 4, the only places an
// emailed link may open: /, /sign-in, /sign-up, /verify-email,
// /forgot-password, /reset-password, /accept-invitation, /dashboard,
// /accounts/{accountId} with /profile, /documents, /users, /audit and
// /owner-change below it, /applications and /applications/new, /settings,
// /reviews and /reviews/{accountId}, /admin…, /library.
var pagePath = regexp.MustCompile(`^(/|/sign-in|/sign-up|/verify-email|/forgot-password|/reset-password|/accept-invitation|/dashboard|` +
	`/accounts/[^/]+(/(profile|documents|users|audit|owner-change))?|/applications(/new)?|/settings|/reviews(/[^/]+)?|/admin(/[^?#]*)?|/library)$`)

var (
	urlInMail  = regexp.MustCompile(`https?://[^\s"'<>]+`)
	hrefInMail = regexp.MustCompile(`(?i)href\s*=\s*"([^"]*)"`)
)

// linkProblems says what is wrong with the links of a mail: each must open
// a page path on the portal's URL (base), never an API address, and carry
// no query but a token; the pages a token opens must have one.
func linkProblems(m testenv.Mail, base string) []string {
	var out []string
	body := m.Body.Text + "\n" + html.UnescapeString(m.Body.HTML)
	if strings.Contains(body, "/v1/") {
		out = append(out, "names an API path (/v1/…): mails send people to pages")
	}
	for _, h := range hrefInMail.FindAllStringSubmatch(m.Body.HTML, -1) {
		if href := html.UnescapeString(h[1]); !strings.HasPrefix(href, base+"/") {
			out = append(out, "href "+href+" is not on PORTAL_URL "+base)
		}
	}
	for _, raw := range urlInMail.FindAllString(body, -1) {
		raw = strings.TrimRight(raw, ".,;:)")
		u, err := url.Parse(raw)
		switch {
		case err != nil:
			out = append(out, "link "+raw+" does not parse")
		case u.Scheme+"://"+u.Host != base:
			out = append(out, "link "+raw+" is not on PORTAL_URL "+base)
		case strings.HasPrefix(u.Path, "/v1/"):
			out = append(out, "link "+raw+" opens the API, not a page")
		case !pagePath.MatchString(u.Path):
			out = append(out, "link "+raw+" opens "+u.Path+", which is not a page of DESIGN.md section 4")
		case u.Fragment != "" || slices.ContainsFunc(slices.Collect(mapKeys(u.Query())), func(k string) bool { return k != "token" && k != "kind" }):
			out = append(out, "link "+raw+" carries something other than a token (and a staff invitation's kind)")
		case (u.Path == "/reset-password" || u.Path == "/accept-invitation") && u.Query().Get("token") == "":
			out = append(out, "link "+raw+" opens a token page without its token")
		}
	}
	return out
}

func mapKeys(v url.Values) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range v {
			if !yield(k) {
				return
			}
		}
	}
}

// TestLinkProblems: the check itself refuses API links, other hosts and
// paths that are not pages, and passes the page links mails carry.
func TestLinkProblems(t *testing.T) {
	const base = "http://portal.test"
	mail := func(text string) testenv.Mail {
		var m testenv.Mail
		m.Body.Text = text
		return m
	}
	for _, ok := range []string{base + "/reviews/acc-1", base + "/accounts/acc-1/profile", base + "/accept-invitation?token=abc",
		base + "/reset-password?token=x.", base + "/verify-email", base + "/applications", base + "/sign-in", "no link at all"} {
		if p := linkProblems(mail("Open "+ok+"\n"), base); len(p) != 0 {
			t.Errorf("linkProblems(%q) = %v; want none", ok, p)
		}
	}
	for _, bad := range []string{base + "/v1/accounts/acc-1/profile", "GET /v1/reviews?status=submitted", "http://evil.test/sign-in",
		base + "/accounts/acc-1/secrets", base + "/profile", base + "/reset-password", base + "/sign-in?next=/v2", base + "/accounts/a/b/profile"} {
		if p := linkProblems(mail("Open "+bad+"\n"), base); len(p) == 0 {
			t.Errorf("linkProblems(%q) = none; want a problem", bad)
		}
	}
	var m testenv.Mail
	m.Body.HTML = `<a href="/sign-in">relative</a>`
	if p := linkProblems(m, base); len(p) == 0 {
		t.Errorf("a relative href passes")
	}
}

// mailStep is one mail kind: what makes the portal send it, to whom, how
// its subject reads, and a page path it must link to ("" for a mail with
// no link).
type mailStep struct {
	kind, to, subject, wantPath string
	trigger                     func()
}

// TestEmailLinksOpenPages sends every kind of mail the portal has (every
// template under shared/mail/templates) through the journeys that send it,
// over HTTP, and checks each mail's links: on PORTAL_URL, a page path of
// DESIGN.md section 4, never /v1/…, and the page each kind must open (the
// submitted profile opens /reviews/{accountId}, reminders the account's
// profile, …). A new template without a step here fails the test.
func TestEmailLinksOpenPages(t *testing.T) {
	d, base := testenv.Portal(t, func(c *portal.Config) { c.Reminder.SendRate = 1000 },
		func(d *portal.Deps) { d.Reminder.Sleep = func(time.Duration) {} })
	ctx := context.Background()
	call := func(method, path, token string, body any, want int) testenv.Response {
		t.Helper()
		r := testenv.Call(t, base, method, path, token, body)
		if r.Status != want {
			t.Fatalf("%s %s = %d %s; want %d", method, path, r.Status, r.Body, want)
		}
		return r
	}
	person := func(prefix string, role identity.StaffRole) (email, id, token string) {
		email, id = testenv.Person(t, d, prefix, role)
		return email, id, testenv.SignIn(t, base, email, testenv.Password)
	}
	answers := func(a string) []map[string]string {
		return []map[string]string{{"questionId": "q01", "answer": a}, {"questionId": "q02", "answer": a}, {"questionId": "q03", "answer": a}}
	}
	_, _, admin := person("admin", identity.Admin)
	scssEmail, scssID, scss := person("scss", identity.SCSS)
	ownerEmail, ownerID, owner := person("owner", "")
	acc := "links-" + ownerID[:10]
	due := "2031-06-30"
	must(t, d.Accounts.SeedAccount(ctx, accounts.Organization{ID: "org-" + acc, Name: "Links Group"},
		account.Account{ID: acc, Name: "Links Imports", EntityType: "importer", Programs: []string{"ctpat_security"}, SpecialistID: scssID, ReviewDueDate: due},
		[]accounts.SeedMember{{UserID: ownerID, Email: ownerEmail, Role: accounts.Owner}}))
	signUpEmail := testenv.Email("signup")
	lockedEmail, _ := testenv.Person(t, d, "locked", "")
	resetEmail, _ := testenv.Person(t, d, "reset", "")
	changerEmail, _, changer := person("changer", "")
	answererEmail, _, answerer := person("answerer", "")
	inviteeEmail := testenv.Email("invitee")
	filerEmail, _, filer := person("filer", "")
	applicantEmail, _, applicant := person("applicant", "")
	staffEmail := testenv.Email("staff")
	var resetToken string

	steps := []mailStep{
		{"verify_email", signUpEmail, "Confirm your email", "/verify-email", func() {
			call("POST", "/v1/users", "", map[string]any{"email": signUpEmail, "password": testenv.Password, "name": "New Person", "securityAnswers": answers("a")}, 202)
		}},
		{"signup_taken", ownerEmail, "tried to sign up", "/sign-in", func() {
			call("POST", "/v1/users", "", map[string]any{"email": ownerEmail, "password": testenv.Password, "name": "Again", "securityAnswers": answers("a")}, 202)
		}},
		{"lockout", lockedEmail, "is locked", "/forgot-password", func() {
			for range 5 {
				call("POST", "/v1/sessions", "", map[string]string{"email": lockedEmail, "password": "Wrong-Password-Again-1"}, 401)
			}
		}},
		{"reset_link", resetEmail, "Reset your", "/reset-password", func() {
			call("POST", "/v1/password-resets", "", map[string]string{"email": resetEmail}, 202)
		}},
		{"reset_burnt", resetEmail, "was stopped", "/forgot-password", func() {
			for range 3 {
				call("POST", "/v1/password-resets/"+resetToken, "", map[string]any{"answers": answers("wrong"), "newPassword": "Another-Harbour-Phrase-2027"}, 403)
			}
		}},
		{"password_changed", changerEmail, "password was changed", "/forgot-password", func() {
			call("POST", "/v1/me/password", changer, map[string]string{"currentPassword": testenv.Password, "newPassword": "Another-Harbour-Phrase-2027"}, 204)
		}},
		{"answers_changed", answererEmail, "security questions were changed", "/forgot-password", func() {
			call("PUT", "/v1/me/security-answers", answerer, map[string]any{"currentPassword": testenv.Password, "securityAnswers": answers("new")}, 204)
		}},
		{"invitation", inviteeEmail, "You are invited", "/accept-invitation", func() {
			call("POST", "/v1/accounts/"+acc+"/invitations", owner, map[string]string{"email": inviteeEmail, "role": "user"}, 201)
		}},
		{"owner_change_filed", ownerEmail, "change the owner", "/accounts/" + acc + "/owner-change", func() {
			call("POST", "/v1/accounts/"+acc+"/owner-change-requests", filer, application(), 202)
		}},
		{"owner_change_decided", filerEmail, "account owner change", "", func() {
			reqs := call("GET", "/v1/owner-change-requests", admin, nil, 200).JSON()["requests"].([]any)
			id := reqs[0].(map[string]any)["id"].(string)
			call("POST", "/v1/owner-change-requests/"+id+"/decision", admin, map[string]string{"decision": "reject", "comment": "Not verified."}, 204)
		}},
		{"review_reminder", ownerEmail, "is due in 30 days", "/accounts/" + acc + "/profile", func() {
			asOf, _ := time.Parse(time.DateOnly, due)
			call("POST", "/v1/jobs/annual-review-reminders", admin, map[string]string{"asOf": asOf.AddDate(0, 0, -30).Format(time.DateOnly)}, 200)
		}},
		{"profile_submitted", scssEmail, "Security profile submitted", "/reviews/" + acc, func() {
			criteria := call("GET", "/v1/accounts/"+acc+"/profile", owner, nil, 200).JSON()["criteria"].([]any)
			for _, c := range criteria {
				c := c.(map[string]any)
				if c["required"] == true {
					call("PUT", "/v1/accounts/"+acc+"/profile/criteria/"+c["id"].(string), owner,
						map[string]any{"answer": "yes", "narrative": "In place.", "version": c["draft"].(map[string]any)["version"]}, 200)
				}
			}
			call("POST", "/v1/accounts/"+acc+"/profile/submit", owner, nil, 202)
		}},
		{"review_outcome", ownerEmail, "Security profile review of", "", func() {
			for _, c := range call("GET", "/v1/accounts/"+acc+"/profile", scss, nil, 200).JSON()["criteria"].([]any) {
				c := c.(map[string]any)
				if c["review"].(map[string]any)["state"] == "pending" {
					call("POST", "/v1/accounts/"+acc+"/profile/criteria/"+c["id"].(string)+"/review", scss, map[string]string{"decision": "approve"}, 200)
				}
			}
		}},
		{"application_approved", applicantEmail, "was approved", "/applications", func() {
			id := call("POST", "/v1/applications", applicant, programmeApplication(), 201).JSON()["id"].(string)
			call("POST", "/v1/applications/"+id+"/decision", admin, map[string]string{"decision": "approve"}, 200)
		}},
		{"application_rejected", applicantEmail, "was not approved", "/applications", func() {
			id := call("POST", "/v1/applications", applicant, programmeApplication(), 201).JSON()["id"].(string)
			call("POST", "/v1/applications/"+id+"/decision", admin, map[string]string{"decision": "reject", "comment": "Incomplete."}, 200)
		}},
		{"staff_invitation", staffEmail, "invited to the Partner Portal staff", "/accept-invitation", func() {
			call("POST", "/v1/staff/invitations", admin, map[string]string{"email": staffEmail, "role": "scss"}, 201)
		}},
		// Last: a freeze three days ahead blocks nothing here, and the
		// suspension ends the account's writes.
		{"freeze_notice", ownerEmail, "Data freeze", "/dashboard", func() {
			start := time.Now().UTC().Add(72 * time.Hour).Truncate(time.Minute)
			call("POST", "/v1/freezes", admin, map[string]string{"startsAt": start.Format(time.RFC3339),
				"endsAt": start.Add(time.Hour).Format(time.RFC3339), "message": "Maintenance."}, 201)
			call("POST", "/v1/jobs/notice-emails", admin, nil, 200)
		}},
		{"account_suspended", ownerEmail, "is suspended", "/accounts/" + acc, func() {
			call("POST", "/v1/accounts/"+acc+"/suspend", admin, map[string]string{"reason": "A change in your company's C-TPAT status."}, 204)
		}},
		{"account_reinstated", ownerEmail, "is reinstated", "/accounts/" + acc, func() {
			call("POST", "/v1/accounts/"+acc+"/reinstate", admin, map[string]string{"reason": "Status restored."}, 204)
		}},
	}

	templates, err := filepath.Glob(filepath.Join(root(t), "shared", "mail", "templates", "*.txt"))
	must(t, err)
	var kinds []string
	for _, s := range steps {
		kinds = append(kinds, s.kind)
	}
	for _, tpl := range templates {
		if kind := strings.TrimSuffix(filepath.Base(tpl), ".txt"); !slices.Contains(kinds, kind) {
			t.Errorf("mail kind %q has no step in TestEmailLinksOpenPages: add the journey that sends it, so its links are checked", kind)
		}
	}
	if len(templates) < 10 {
		t.Fatalf("found %d mail templates; the glob is broken", len(templates))
	}

	for _, s := range steps {
		m, ok := mailAfter(t, s.to, s.subject, s.trigger)
		if !ok {
			t.Errorf("%s: no mail to %s with a subject containing %q", s.kind, s.to, s.subject)
			continue
		}
		for _, p := range linkProblems(m, base) {
			t.Errorf("%s mail %q: %s", s.kind, m.Subject, p)
		}
		if s.wantPath != "" && !linksTo(m, base, s.wantPath) {
			t.Errorf("%s mail %q does not link to %s%s:\n%s", s.kind, m.Subject, base, s.wantPath, m.Body.Text)
		}
		if s.kind == "reset_link" {
			resetToken = tokenOf(t, m, "/reset-password")
		}
	}
}

// mailAfter runs trigger and waits for a new mail to `to` whose subject
// contains subject.
func mailAfter(t *testing.T, to, subject string, trigger func()) (testenv.Mail, bool) {
	t.Helper()
	before := len(testenv.MailsTo(t, to))
	trigger()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := testenv.MailsTo(t, to)
		for _, m := range got[min(before, len(got)):] {
			if strings.Contains(m.Subject, subject) {
				return m, true
			}
		}
		if time.Now().After(deadline) {
			return testenv.Mail{}, false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// linksTo reports whether the mail links to the page path on base (its
// text and its HTML both).
func linksTo(m testenv.Mail, base, path string) bool {
	has := func(body string) bool {
		for _, raw := range urlInMail.FindAllString(body, -1) {
			if u, err := url.Parse(strings.TrimRight(raw, ".,;:)")); err == nil && u.Scheme+"://"+u.Host == base && u.Path == path {
				return true
			}
		}
		return false
	}
	return has(m.Body.Text) && has(html.UnescapeString(m.Body.HTML))
}

// tokenOf is the token of the mail's link to path.
func tokenOf(t *testing.T, m testenv.Mail, path string) string {
	t.Helper()
	for _, raw := range urlInMail.FindAllString(m.Body.Text, -1) {
		if u, err := url.Parse(raw); err == nil && u.Path == path {
			return url.PathEscape(u.Query().Get("token"))
		}
	}
	t.Fatalf("no %s link in %s", path, m.Body.Text)
	return ""
}
