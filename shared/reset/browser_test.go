package reset_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/partner-portal/portal/infra/testenv"
)

// TestResetInBrowser drives journey 3 in a real browser: open the emailed
// link, see the token leave the address bar, get a wrong answer and a weak
// password explained, then succeed and keep a screenshot.
func TestResetInBrowser(t *testing.T) {
	e := newEnv(t)
	email, _ := e.user("browser")
	e.requestLink(email)
	mails := testenv.WaitMails(t, email, 1)
	if len(mails) != 1 {
		t.Fatalf("mails = %d; want the reset link", len(mails))
	}
	link, _ := tokenFrom(t, mails[0])
	ctx := testenv.Browser(t)
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	attr := func(sel, name string) string {
		t.Helper()
		a, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
		if err != nil {
			t.Fatal(err)
		}
		return a.Value
	}

	do(chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#reset-form")))
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.location.href`))
	if err != nil {
		t.Fatal(err)
	}
	if href != e.url+"/reset-password" || strings.Contains(href, "token") {
		t.Errorf("address bar = %q; want the token gone", href)
	}
	if title, _ := chromedp.Run(ctx, chromedp.Title()); !strings.Contains(title, "Choose a new password") {
		t.Errorf("title = %q", title)
	}

	fill := func(answer0, pw string) {
		t.Helper()
		do(
			chromedp.SetValue(chromedp.CSS("#answer-0"), answer0),
			chromedp.SetValue(chromedp.CSS("#answer-1"), "acme freight"),
			chromedp.SetValue(chromedp.CSS("#answer-2"), "Biscuit"),
			chromedp.SetValue(chromedp.CSS("#new-password"), pw),
			chromedp.SetValue(chromedp.CSS("#confirm-password"), pw),
			chromedp.Click(chromedp.CSS("#submit")),
		)
	}
	// A wrong answer is explained.
	fill("Hillside Academy", newPassword)
	do(chromedp.WaitVisible(chromedp.CSS("#errors")))
	if got := text("#errors"); !strings.Contains(got, "answers are not right") {
		t.Errorf("error shown for a wrong answer = %q", got)
	}
	// A weak password is explained rule by rule, and marked in the policy.
	fill("Riverside Primary", "password1234")
	do(chromedp.WaitVisible(chromedp.CSS("#policy li.broken")))
	if got, rule := text("#errors"), attr("#policy li.broken", "data-rule"); !strings.Contains(got, "common") || rule != "common_password" {
		t.Errorf("weak password: errors %q, marked rule %q", got, rule)
	}
	// The right answers and a good password succeed.
	fill("Riverside Primary", newPassword)
	do(chromedp.WaitVisible(chromedp.CSS("#done")))
	if done, signIn := text("#done h1"), attr("#sign-in-link", "href"); done != "Your password is changed" || signIn != e.url+"/sign-in" {
		t.Errorf("success view: %q, sign-in link %q", done, signIn)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if len(shot) < 1000 {
		t.Fatalf("screenshot of %d bytes", len(shot))
	}
	testenv.SaveArtifact(t, "reset-success.png", shot)

	// The success page's link leads to sign-in, where the new password works.
	do(chromedp.Click(chromedp.CSS("#sign-in-link")), chromedp.WaitVisible(chromedp.CSS("#sign-in-form")),
		chromedp.SetValue(chromedp.CSS("#email"), email),
		chromedp.SetValue(chromedp.CSS("#password"), oldPassword),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#errors")))
	if got := text("#errors"); !strings.Contains(got, "email or password is not right") {
		t.Errorf("sign-in with the old password shows %q", got)
	}
	do(chromedp.SetValue(chromedp.CSS("#password"), newPassword),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#signed-in")))
	if got := text("#who"); !strings.Contains(got, email) {
		t.Errorf("signed in as %q; want %s", got, email)
	}
	if got := testenv.WaitMails(t, email, 2); len(got) != 2 {
		t.Errorf("mails = %s; want the link and the change notice", subjects(got))
	}

	// Opening the spent link again shows the friendly expired page.
	do(chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#request-form")))
	if got := text("h1"); got != "This link no longer works" {
		t.Errorf("spent link shows %q", got)
	}
}
