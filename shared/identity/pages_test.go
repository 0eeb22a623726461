package identity_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/session"
)

// TestSignUpAndVerifyPages: /sign-up and /verify-email are served by the
// portal with the strict page headers (CSP, no Referer, no caching, no
// framing), only their own scripts, and labelled fields; the verification
// page never writes its token into the HTML, and shows the confirm button
// with a token and the "send a new link" form without one.
func TestSignUpAndVerifyPages(t *testing.T) {
	_, base := testenv.Portal(t, nil, nil)
	get := func(path string) string {
		t.Helper()
		r := testenv.Call(t, base, "GET", path, "", nil)
		if r.Status != 200 {
			t.Fatalf("GET %s = %d %s; want 200", path, r.Status, r.Body)
		}
		testenv.CheckPage(t, r)
		return string(r.Body)
	}

	signUp := get("/sign-up")
	for _, want := range []string{
		`<label for="email">Email</label>`, `<label for="name">Full name</label>`, `<label for="password">Password</label>`,
		`<label for="question-1">Question 1</label>`, `<label for="question-3">Question 3</label>`,
		`<label for="answer-2">Your answer to question 2</label>`, `aria-describedby="password-rules"`,
		`role="alert"`, `>Create account</button>`, `href="/sign-in"`, `<script type="module" src="/assets/sign-up.js">`,
	} {
		if !strings.Contains(signUp, want) {
			t.Errorf("/sign-up lacks %s", want)
		}
	}

	tok, err := session.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	withToken := get("/verify-email?token=" + tok)
	if strings.Contains(withToken, tok) {
		t.Error("/verify-email writes its token into the page")
	}
	without := get("/verify-email")
	for _, tt := range []struct {
		page, visible, hidden string
	}{
		{withToken, `<section id="confirm">`, `<section id="resend" hidden>`},
		{without, `<section id="resend">`, `<section id="confirm" hidden>`},
	} {
		if !strings.Contains(tt.page, tt.visible) || !strings.Contains(tt.page, tt.hidden) {
			t.Errorf("/verify-email: want %s and %s in\n%s", tt.visible, tt.hidden, tt.page)
		}
	}
	for _, want := range []string{`>Confirm my email address</button>`, `>Send a new link</button>`, `<label for="email">Email</label>`,
		`<script type="module" src="/assets/verify-email.js">`} {
		if !strings.Contains(withToken, want) {
			t.Errorf("/verify-email lacks %s", want)
		}
	}

	// The page scripts are served, and every module they import is too.
	imports := regexp.MustCompile(`from "\./([a-z-]+\.js)"`)
	seen := map[string]bool{}
	queue := []string{"sign-up.js", "verify-email.js", "accept.js", "sign-in.js"}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		r := testenv.Call(t, base, "GET", "/assets/"+name, "", nil)
		if r.Status != 200 || r.Header.Get("Content-Type") != "text/javascript; charset=utf-8" || len(r.Body) < 200 {
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
	for _, shared := range []string{"forms.js", "sign-up-form.js"} {
		if !seen[shared] {
			t.Errorf("no page imports %s", shared)
		}
	}
}
