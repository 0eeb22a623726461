package accounts_test

import (
	"strings"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/session"
)

// TestAcceptPage: /accept-invitation is served with the strict page headers
// and only its own scripts, never writes its token into the page, and holds
// both the accept button and the invitee's sign-up form.
func TestAcceptPage(t *testing.T) {
	e := newEnv(t)
	tok, err := session.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	r := e.must(e.call("GET", "/accept-invitation?token="+tok, "", nil), 200)
	testenv.CheckPage(t, r)
	page := string(r.Body)
	if strings.Contains(page, tok) {
		t.Error("/accept-invitation writes its token into the page")
	}
	for _, want := range []string{`>Accept the invitation</button>`, `<label for="name">Full name</label>`,
		`<label for="password">Password</label>`, `<label for="question-1">Question 1</label>`, `>Create my user and join</button>`,
		`href="/sign-in"`, `<script type="module" src="/assets/accept.js">`} {
		if !strings.Contains(page, want) {
			t.Errorf("/accept-invitation lacks %s", want)
		}
	}
}
