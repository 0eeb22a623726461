package reset_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
)

func TestResetPageHeadersAndContent(t *testing.T) {
	e := newEnv(t)
	email, _ := e.user("page")
	e.requestLink(email)
	tok := e.latestToken(email, 1)

	r := e.call("GET", "/reset-password?token="+url.QueryEscape(tok), "", nil)
	if r.Status != 200 {
		t.Fatalf("GET /reset-password = %d", r.Status)
	}
	checkPageHeaders(t, r)
	page := string(r.Body)
	for _, want := range []string{"What was the name of your first school?", "What was the name of your first employer?",
		"What was the name of your first pet?", `id="new-password"`, `data-rule="min_length"`, e.url + "/sign-in"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, email) || strings.Contains(page, tok) {
		t.Errorf("the page shows the email or the token")
	}
	checkOwnResourcesOnly(t, page)

	// The same page for an unknown, used or expired link is the friendly one.
	for _, bad := range []string{"", "?token=", "?token=" + strings.Repeat("A", 43)} {
		r := e.call("GET", "/reset-password"+bad, "", nil)
		if r.Status != 410 || !strings.Contains(string(r.Body), "This link no longer works") || !strings.Contains(string(r.Body), `id="request-form"`) {
			t.Errorf("GET /reset-password%s = %d; want 410 with a way to ask again", bad, r.Status)
		}
		checkPageHeaders(t, r)
	}
	r = e.call("GET", "/sign-in", "", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `id="sign-in-form"`) {
		t.Errorf("GET /sign-in = %d", r.Status)
	}
	checkPageHeaders(t, r)
	checkOwnResourcesOnly(t, string(r.Body))
	r = e.call("GET", "/forgot-password", "", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "Forgot your password?") {
		t.Errorf("GET /forgot-password = %d", r.Status)
	}
	for _, asset := range []string{"/assets/reset.js", "/assets/portal.css", "/assets/sign-in.js"} {
		if r := e.call("GET", asset, "", nil); r.Status != 200 || len(r.Body) < 100 || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s = %d", asset, r.Status)
		}
	}
	if r := e.call("GET", "/assets/../pages/page.html", "", nil); r.Status == 200 {
		t.Errorf("asset path traversal served a file")
	}
	if r := e.call("GET", "/assets/nope.js", "", nil); r.Status != 404 {
		t.Errorf("unknown asset = %d; want 404", r.Status)
	}
}

func checkPageHeaders(t *testing.T, r testenv.Response) {
	t.Helper()
	csp := r.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "script-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if got := r.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy = %q; want no-referrer", got)
	}
	if got := r.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q; want no-store", got)
	}
}

var srcPattern = regexp.MustCompile(`(?:src|href)="([^"]*)"`)

// checkOwnResourcesOnly: every script and stylesheet is the portal's own,
// and no inline script or style exists for the CSP to forbid.
func checkOwnResourcesOnly(t *testing.T, page string) {
	t.Helper()
	for _, m := range srcPattern.FindAllStringSubmatch(page, -1) {
		if strings.HasPrefix(m[1], "/assets/") || m[1] == "/forgot-password" || m[1] == "/sign-up" || strings.HasSuffix(m[1], "/sign-in") {
			continue
		}
		t.Errorf("page refers to %q", m[1])
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, "style=") || strings.Contains(page, "<style") {
		t.Errorf("page has inline script or style")
	}
}
