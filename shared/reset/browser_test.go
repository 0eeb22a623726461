package reset_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/portal"
)

// The user's three questions (see env.user), as the reset page labels
// their answers.
const (
	school   = "What was the name of your first school?"
	employer = "What was the name of your first employer?"
	pet      = "What was the name of your first pet?"
)

// shown keeps, in an XPath step, what a person sees (not inside a hidden
// part of the page).
const shown = `[not(ancestor-or-self::*[@hidden])]`

// summary is the shown error summary of a form.
var summary = chromedp.Search(`//*[@role="alert" and .//h2[normalize-space()="There is a problem"]]` + shown)

func heading(text string) chromedp.Search {
	return chromedp.Search(`//h1[normalize-space()="` + text + `"]` + shown)
}

// TestResetInBrowser drives journey 3 in Chromium as a person does, fields
// found by their labels and buttons by their text: open the emailed link,
// see the token leave the address bar and the user's own questions asked,
// the password rules checked as they type; get a wrong answer, a mistyped
// repeat, a weak password and an old one explained in the error summary and
// beside the field; then succeed, keep a screenshot, and sign in with the
// new password only. The spent link then says it no longer works.
func TestResetInBrowser(t *testing.T) {
	e := newEnv(t)
	email, _ := e.user("browser")
	e.requestLink(email)
	mails := testenv.WaitMails(t, email, 1)
	if len(mails) != 1 {
		t.Fatalf("mails = %d; want the reset link", len(mails))
	}
	link, _ := tokenFrom(t, mails[0])
	tab := testenv.NewTab(t)
	rule := func(name string) (class, text string) {
		t.Helper()
		sel := `document.querySelector('#policy li[data-rule="` + name + `"]')`
		return testenv.Eval[string](tab, sel+".className"), strings.Join(strings.Fields(testenv.Eval[string](tab, sel+".textContent")), " ")
	}
	broken := func() string {
		t.Helper()
		return testenv.Eval[string](tab, `[...document.querySelectorAll("#policy li.broken")].map(li => li.dataset.rule).join(",")`)
	}

	tab.Open(link)
	tab.WaitVisible(testenv.Button("Change my password"))
	if href := testenv.Eval[string](tab, "window.location.href"); href != e.url+"/reset-password" || strings.Contains(href, "token") {
		t.Errorf("address bar = %q; want the token gone", href)
	}
	if title := testenv.Eval[string](tab, "document.title"); !strings.Contains(title, "Choose a new password") {
		t.Errorf("title = %q", title)
	}
	// The rules come from GET /v1/password-policy, the history rule among
	// them (a reset user has earlier passwords); length is checked as they
	// type.
	tab.Type("New password", "Short-1")
	if class, text := rule("min_length"); strings.Contains(class, "met") || text != "at least 12 characters (not met yet)" {
		t.Errorf("min_length after 7 characters: class %q, text %q; want not met yet", class, text)
	}
	tab.Type("New password", newPassword)
	if class, text := rule("min_length"); class != "met" || !strings.HasSuffix(text, "(met)") {
		t.Errorf("min_length after a long password: class %q, text %q; want met", class, text)
	}
	if _, text := rule("reused"); text != "not one of your last 5 passwords" {
		t.Errorf("the history rule reads %q", text)
	}

	fill := func(schoolAnswer, pw, again string) {
		t.Helper()
		tab.Type(school, schoolAnswer)
		tab.Type(employer, "acme freight")
		tab.Type(pet, "Biscuit")
		tab.Type("New password", pw)
		tab.Type("The new password again", again)
		tab.Press("Change my password")
	}
	// A mistyped repeat is caught on the page, beside the field.
	fill("Riverside Primary", newPassword, newPassword+"x")
	tab.WaitVisible(testenv.Link("The two new passwords are not the same."))
	if got := tab.Description("The new password again"); got != "Error: The two new passwords are not the same." {
		t.Errorf("the repeat is described as %q", got)
	}
	// A wrong answer is explained.
	fill("Hillside Academy", newPassword, newPassword)
	wrong := chromedp.Search(`//*[@role="alert"]//li[contains(., "answers are not right")]` + shown)
	tab.WaitVisible(wrong)
	if got := tab.Text(summary); !strings.Contains(got, "One or more answers are not right. After three wrong tries the link stops working.") {
		t.Errorf("error shown for a wrong answer = %q", got)
	}
	if got := tab.Focused(); !strings.HasPrefix(got, "There is a problem") {
		t.Errorf("focus after a wrong answer is on %q; want the error summary", got)
	}
	// A weak password is explained rule by rule, and marked in the policy.
	fill("Riverside Primary", "password1234", "password1234")
	weak := chromedp.Search(`//*[@role="alert"]//a[starts-with(normalize-space(), "New password: this password is common")]` + shown)
	tab.WaitVisible(weak)
	if got, rule := tab.Text(summary), broken(); !strings.Contains(got, "common") || rule != "common_password" {
		t.Errorf("weak password: errors %q, marked rules %q", got, rule)
	}
	if got := tab.Description("New password"); !strings.HasPrefix(got, "Error: New password: this password is common") {
		t.Errorf("the new password is described as %q", got)
	}
	tab.Screenshot("reset-errors.png")
	tab.Follow(tab.Text(weak))
	if got := tab.Focused(); got != "New password" {
		t.Errorf("the summary's link moved the focus to %q; want the new password", got)
	}
	// The current password, with the right answers: the history rule.
	fill("Riverside Primary", oldPassword, oldPassword)
	tab.WaitVisible(chromedp.Search(`//*[@role="alert"]//a[normalize-space()="New password: choose a password you have not used for your last 5"]` + shown))
	if rule := broken(); rule != "reused" {
		t.Errorf("old password: marked rules %q; want reused", rule)
	}

	// The right answers and a good password succeed.
	fill("Riverside Primary", newPassword, newPassword)
	tab.WaitVisible(heading("Your password is changed"))
	if got := tab.Focused(); got != "Your password is changed" {
		t.Errorf("focus after the reset is on %q", got)
	}
	if signIn := testenv.Eval[string](tab, `document.querySelector("#done a").href`); signIn != e.url+"/sign-in" {
		t.Errorf("success view's sign-in link = %q", signIn)
	}
	tab.Screenshot("reset-success.png")

	// The success page's link leads to sign-in, where the new password works.
	tab.Follow("Sign in")
	signIn := func(pw string) {
		t.Helper()
		tab.Type("Email", email)
		tab.Type("Password", pw)
		tab.Press("Sign in")
	}
	signIn(oldPassword)
	tab.WaitVisible(chromedp.Search(`//*[@role="alert"]` + shown))
	if got := tab.Text(chromedp.Search(`//*[@role="alert"]` + shown)); !strings.Contains(got, "email or password is not right") {
		t.Errorf("sign-in with the old password shows %q", got)
	}
	signIn(newPassword)
	tab.WaitVisible(heading("Signed in"))
	if got := tab.Text(chromedp.Search(`//section[@id="signed-in"]`)); !strings.Contains(got, email) {
		t.Errorf("signed in as %q; want %s", got, email)
	}
	if got := testenv.WaitMails(t, email, 2); len(got) != 2 {
		t.Errorf("mails = %s; want the link and the change notice", subjects(got))
	}

	// Opening the spent link again says it no longer works, and offers a
	// new one.
	tab.Open(link)
	tab.WaitVisible(heading("This link no longer works"))
	tab.WaitVisible(testenv.Button("Send me a link"))
	if title := testenv.Eval[string](tab, "document.title"); title != "This link no longer works · Partner Portal" {
		t.Errorf("title of a spent link = %q", title)
	}
}

// TestResetLinkGoneInBrowser: a link that never worked, and a link
// superseded while its page is open, both end on "This link no longer
// works" with the form that sends a new link; that form, and the
// forgot-password page, explain a malformed address beside the field and
// send the link, whose page then asks the questions.
func TestResetLinkGoneInBrowser(t *testing.T) {
	e := newEnv(t, func(c *portal.Config) { c.Resets.PerHour = 10 }) // four links for one user
	email, _ := e.user("gone")
	tab := testenv.NewTab(t)
	gone := heading("This link no longer works")

	for _, bad := range []string{"", "?token=", "?token=" + strings.Repeat("A", 43)} {
		tab.Open(e.url + "/reset-password" + bad)
		tab.WaitVisible(gone)
		tab.WaitVisible(testenv.Button("Send me a link"))
		if got := tab.Focused(); got != "This link no longer works" {
			t.Errorf("/reset-password%s: focus on %q", bad, got)
		}
	}
	tab.Screenshot("reset-link-gone.png")

	// A newer link makes the open page's link stop working.
	e.requestLink(email)
	first, _ := tokenFrom(t, testenv.WaitMails(t, email, 1)[0])
	tab.Open(first)
	tab.WaitVisible(testenv.Button("Change my password"))
	e.requestLink(email)
	testenv.WaitMails(t, email, 2)
	tab.Type(school, "Riverside Primary")
	tab.Type(employer, "Acme Freight")
	tab.Type(pet, "Biscuit")
	tab.Type("New password", newPassword)
	tab.Type("The new password again", newPassword)
	tab.Press("Change my password")
	tab.WaitVisible(gone)

	// Ask for a new link there: a malformed address first.
	tab.Type("Email", "not an address")
	tab.Press("Send me a link")
	tab.WaitVisible(testenv.Link("Email is not a valid email address"))
	if got := tab.Description("Email"); got != "Error: Email is not a valid email address" {
		t.Errorf("the email field is described as %q", got)
	}
	tab.Type("Email", email)
	tab.Press("Send me a link")
	sent := chromedp.Search(`//*[@role="status" and contains(., "a link is on its way")]` + shown)
	tab.WaitVisible(sent)
	third, _ := tokenFrom(t, testenv.WaitMails(t, email, 3)[2])

	// The forgot-password page sends one too, and the newest link works.
	tab.Open(e.url + "/forgot-password")
	tab.WaitVisible(heading("Forgot your password?"))
	tab.Press("Send me a link")
	tab.WaitVisible(testenv.Link("Email is not a valid email address"))
	tab.Type("Email", email)
	tab.Press("Send me a link")
	tab.WaitVisible(sent)
	if got := tab.Text(sent); got != "If a user with this email may reset their password, a link is on its way. It works once, for one hour." {
		t.Errorf("forgot-password says %q", got)
	}
	tab.Screenshot("forgot-password-sent.png")
	fourth, _ := tokenFrom(t, testenv.WaitMails(t, email, 4)[3])
	tab.Open(third)
	tab.WaitVisible(gone)
	tab.Open(fourth)
	tab.WaitVisible(testenv.Button("Change my password"))
	tab.WaitVisible(chromedp.Search(`//label[normalize-space()="` + pet + `"]` + shown))
}
