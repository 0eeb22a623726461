package accounts_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/partner-portal/portal/infra/testenv"
)

// TestAcceptInvitationInBrowser follows an invitation email in Chromium:
// not signed in, the page says to sign in first; signed in (cookie), one
// click joins the account.
func TestAcceptInvitationInBrowser(t *testing.T) {
	e := newEnv(t)
	w := e.world(false)
	invitee := testenv.Email("invitee")
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.owner, map[string]string{"email": invitee, "role": "poc"}), 201)
	e.signUp(invitee, "")
	link := e.url + "/accept-invitation?token=" + e.invitation(invitee, 1)

	ctx := testenv.Browser(t)
	run := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	run(chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#accept-button")),
		chromedp.Click(chromedp.CSS("#accept-button")), chromedp.WaitVisible(chromedp.CSS("#sign-in-first")))
	href, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`window.location.href`))
	if strings.Contains(href, "token") {
		t.Errorf("address bar keeps the token: %s", href)
	}
	// Sign in on the sign-in page (the cookie), then open the link again.
	run(chromedp.Navigate(e.url+"/sign-in"), chromedp.WaitVisible(chromedp.CSS("#sign-in-form")),
		chromedp.SetValue(chromedp.CSS("#email"), invitee), chromedp.SetValue(chromedp.CSS("#password"), pw),
		chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS("#signed-in")),
		chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#accept-button")),
		chromedp.Click(chromedp.CSS("#accept-button")), chromedp.WaitVisible(chromedp.CSS("#joined")))
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#joined-message")))
	if err != nil || !strings.Contains(msg, "poc of Acme Imports (Acme Imports Group)") {
		t.Errorf("joined message = %q, %v", msg, err)
	}
	ms := e.must(e.call("GET", "/v1/me", e.signIn(invitee), nil), 200).JSON()["memberships"].([]any)
	if len(ms) != 1 || ms[0].(map[string]any)["role"] != "poc" {
		t.Errorf("memberships after accepting in the browser = %v", ms)
	}
}
