package reset_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/portal"
)

// TestResetPageHeadersAndContent: /reset-password and /forgot-password are
// static pages of the web function, served through the all-in-one handler
// with the strict page headers (CSP, no Referer, no caching, no framing),
// only their own modules, labelled fields and buttons that say what they
// do. The reset page holds nothing of the link: the same bytes for a live
// token, a spent-looking one and none, and neither the email nor the token
// in them (its module asks the API, see TestResetInBrowser).
func TestResetPageHeadersAndContent(t *testing.T) {
	e := newEnv(t)
	email, _ := e.user("page")
	e.requestLink(email)
	tok := e.latestToken(email, 1)
	get := func(path string) string {
		t.Helper()
		r := e.call("GET", path, "", nil)
		if r.Status != 200 {
			t.Fatalf("GET %s = %d %s; want 200", path, r.Status, r.Body)
		}
		testenv.CheckPage(t, r)
		return string(r.Body)
	}

	page := get("/reset-password?token=" + url.QueryEscape(tok))
	for _, want := range []string{"<title>Choose a new password · Partner Portal</title>", `<h1>Choose a new password</h1>`,
		`<label for="new-password">New password</label>`, `<label for="confirm-password">The new password again</label>`,
		`aria-describedby="password-rules"`, `<ul id="policy">`, `>Change my password</button>`,
		`<h1 id="done-heading" tabindex="-1">Your password is changed</h1>`, `<a class="button" href="/sign-in">Sign in</a>`,
		`<h1 id="expired-heading" tabindex="-1">This link no longer works</h1>`, `>Send me a link</button>`,
		`role="alert"`, `<script type="module" src="/assets/reset-password.js">`} {
		if !strings.Contains(page, want) {
			t.Errorf("/reset-password lacks %s", want)
		}
	}
	if strings.Contains(page, email) || strings.Contains(page, tok) {
		t.Errorf("the page shows the email or the token")
	}
	for _, other := range []string{"", "?token=", "?token=" + strings.Repeat("A", 43)} {
		if got := get("/reset-password" + other); got != page {
			t.Errorf("GET /reset-password%s differs from the page of a live link", other)
		}
	}

	forgot := get("/forgot-password")
	for _, want := range []string{"<h1>Forgot your password?</h1>", `<label for="email">Email</label>`, `>Send me a link</button>`,
		`role="alert"`, `role="status"`, `<script type="module" src="/assets/forgot-password.js">`} {
		if !strings.Contains(forgot, want) {
			t.Errorf("/forgot-password lacks %s", want)
		}
	}
	if signIn := get("/sign-in"); !strings.Contains(signIn, `id="sign-in-form"`) || !strings.Contains(signIn, `href="/forgot-password"`) {
		t.Errorf("/sign-in lacks its form or the way to /forgot-password")
	}

	// The modules are served, as is every module they import, none with
	// innerHTML.
	imports := regexp.MustCompile(`from "\./([a-z-]+\.js)"`)
	seen := map[string]bool{}
	for queue := []string{"reset-password.js", "forgot-password.js", "sign-in.js"}; len(queue) > 0; queue = queue[1:] {
		name := queue[0]
		if seen[name] {
			continue
		}
		seen[name] = true
		r := e.call("GET", "/assets/"+name, "", nil)
		if r.Status != 200 || r.Header.Get("Content-Type") != "text/javascript; charset=utf-8" || len(r.Body) < 100 ||
			r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET /assets/%s = %d %q", name, r.Status, r.Header.Get("Content-Type"))
			continue
		}
		if strings.Contains(string(r.Body), "innerHTML") {
			t.Errorf("/assets/%s uses innerHTML", name)
		}
		for _, m := range imports.FindAllStringSubmatch(string(r.Body), -1) {
			queue = append(queue, m[1])
		}
	}
	for _, shared := range []string{"forms.js", "password-rules.js", "reset-request.js"} {
		if !seen[shared] {
			t.Errorf("the reset pages do not import %s", shared)
		}
	}
	if r := e.call("GET", "/assets/portal.css", "", nil); r.Status != 200 || len(r.Body) < 100 || r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET /assets/portal.css = %d", r.Status)
	}
	if r := e.call("GET", "/assets/../pages/reset-password.html", "", nil); r.Status == 200 {
		t.Errorf("asset path traversal served a file")
	}
	for _, gone := range []string{"/assets/nope.js", "/assets/reset.js"} {
		if r := e.call("GET", gone, "", nil); r.Status != 404 {
			t.Errorf("GET %s = %d; want 404", gone, r.Status)
		}
	}
}

// TestServesOnlyAPI: the password-reset function serves only /v1/…; its
// pages are the web function's (DESIGN.md section 4, issue 14).
func TestServesOnlyAPI(t *testing.T) {
	e := newEnv(t)
	routes := portal.RoutesOf(e.d, "password-reset").Routes()
	if len(routes) < 5 {
		t.Fatalf("routes = %v; want the reset API", routes)
	}
	for _, pattern := range routes {
		if _, path, _ := strings.Cut(pattern, " "); !strings.HasPrefix(path, "/v1/") {
			t.Errorf("password-reset serves %q; want only /v1/… (pages are the web function's)", pattern)
		}
	}
}
