package testenv

import (
	"regexp"
	"strings"
	"testing"
)

var refPattern = regexp.MustCompile(`(?:src|href|action)="([^"]*)"`)

// CheckPage checks what every HTML page of the portal must be: served with
// the strict Content-Security-Policy, no Referer, no caching and no framing;
// holding no inline script or style for that policy to forbid; referring
// only to the portal's own addresses.
func CheckPage(t testing.TB, r Response) {
	t.Helper()
	h := r.Header
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-") {
		t.Errorf("Content-Security-Policy %q allows unsafe code", csp)
	}
	for name, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"Referrer-Policy":        "no-referrer",
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q; want %q", name, got, want)
		}
	}
	page := string(r.Body)
	if !strings.Contains(page, `<meta name="referrer" content="no-referrer">`) {
		t.Errorf("the page lacks the no-referrer meta tag")
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, "<style") || strings.Contains(page, " style=") ||
		regexp.MustCompile(`\son[a-z]+=`).MatchString(page) {
		t.Errorf("the page has inline script or style")
	}
	for _, m := range refPattern.FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "/") || strings.HasPrefix(m[1], "//") {
			t.Errorf("the page refers to %q, not an address of its own", m[1])
		}
	}
}
