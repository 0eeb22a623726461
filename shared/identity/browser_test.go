package identity_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/portal"
)

const (
	school   = "What was the name of your first school?"
	employer = "What was the name of your first employer?"
	pet      = "What was the name of your first pet?"
)

// TestSignUpInBrowser drives the sign-up journey in Chromium as a person
// does, finding fields by their labels and buttons by their text: the
// password rules checked as they type, a question chosen twice refused
// before anything is sent, the server's 400 and 422 shown in the error
// summary and beside the fields, then "check your email". Signing in before
// confirming says the address is not confirmed and links to /verify-email,
// where a new link is asked for; the older link then no longer works, the
// newer one confirms with one button, and signing in works.
func TestSignUpInBrowser(t *testing.T) {
	_, base := testenv.Portal(t, nil, nil)
	email := testenv.Email("browser")
	local, _, _ := strings.Cut(email, "@")
	const strong = "Quartz-Meadow-Lantern-58"
	tab := testenv.NewTab(t)
	rule := func(name string) (class, text string) {
		t.Helper()
		sel := `document.querySelector('#policy li[data-rule="` + name + `"]')`
		return testenv.Eval[string](tab, sel+".className"), strings.Join(strings.Fields(testenv.Eval[string](tab, sel+".textContent")), " ")
	}
	summary := chromedp.Search(`//*[@role="alert" and .//h2[normalize-space()="There is a problem"]]`)

	tab.Open(base + "/sign-up")
	tab.WaitVisible(testenv.Button("Create account"))
	if title := testenv.Eval[string](tab, "document.title"); title != "Create an account · Partner Portal" {
		t.Errorf("title = %q", title)
	}
	// The rules come from GET /v1/password-policy; length and the email are
	// checked as the person types.
	tab.Type("Email", email)
	tab.Type("Password", "Short-1")
	if class, text := rule("min_length"); strings.Contains(class, "met") || text != "at least 12 characters (not met yet)" {
		t.Errorf("min_length after 7 characters: class %q, text %q; want not met yet", class, text)
	}
	tab.Type("Password", local+"-Harbour")
	if class, text := rule("min_length"); class != "met" || !strings.HasSuffix(text, "(met)") {
		t.Errorf("min_length after %d characters: class %q, text %q; want met", len(local)+8, class, text)
	}
	if class, _ := rule("contains_email"); class == "met" {
		t.Errorf("contains_email is marked met for a password holding %q", local)
	}
	if _, text := rule("common_password"); strings.Contains(text, "met") {
		t.Errorf("common_password, which only the server can check, is marked: %q", text)
	}
	if n := testenv.Eval[int](tab, `document.querySelectorAll('#policy li[data-rule="reused"]').length`); n != 0 {
		t.Error("the sign-up form lists the password-history rule, which a new user cannot break")
	}

	// Question 2 the same as question 1: refused on the page.
	tab.Type("Password", strong)
	tab.Choose("Question 1", school)
	tab.Type("Your answer to question 1", "Riverside Primary")
	tab.Choose("Question 2", school)
	tab.Type("Your answer to question 2", "Acme Freight")
	tab.Choose("Question 3", pet)
	tab.Type("Your answer to question 3", "Biscuit")
	tab.Press("Create account")
	tab.WaitVisible(summary)
	if got := tab.Text(summary); !strings.Contains(got, "Question 2: choose a question you have not chosen already") {
		t.Errorf("summary for a repeated question = %q", got)
	}
	if got := tab.Description("Question 2"); !strings.Contains(got, "Error: Question 2: choose a question you have not chosen already") {
		t.Errorf("question 2 is described as %q; want its error", got)
	}

	// No name: the server's 400, its field named in the summary and beside
	// the field; the summary's link leads to the field.
	tab.Choose("Question 2", employer)
	tab.Press("Create account")
	tab.WaitVisible(testenv.Link("Full name is required"))
	if got := tab.Text(summary); strings.Contains(got, "Question 2") {
		t.Errorf("summary still lists the fixed question: %q", got)
	}
	if got := tab.Description("Full name"); got != "Error: Full name is required" {
		t.Errorf("the name field is described as %q; want its error", got)
	}
	if got := tab.Focused(); !strings.HasPrefix(got, "There is a problem") {
		t.Errorf("focus after a refused sign-up is on %q; want the error summary", got)
	}
	tab.Screenshot("sign-up-errors.png")
	tab.Follow("Full name is required")
	if got := tab.Focused(); got != "Full name" {
		t.Errorf("the summary's link moved the focus to %q; want the name field", got)
	}

	// A common password: the server's 422, rule by rule.
	tab.Type("Full name", "Pat Browser")
	tab.Type("Password", "password1234")
	tab.Press("Create account")
	tab.WaitVisible(testenv.Link("Password: this password is common, appears in breaches or is easy to guess; try a longer passphrase of unrelated words"))
	if class, _ := rule("common_password"); class != "broken" {
		t.Errorf("common_password after the 422: class %q; want broken", class)
	}
	if got := tab.Description("Password"); !strings.HasPrefix(got, "Error: Password: this password is common") {
		t.Errorf("the password field is described as %q", got)
	}
	if mails := testenv.MailsTo(t, email); len(mails) != 0 {
		t.Fatalf("refused sign-ups sent %d mails", len(mails))
	}

	// Accepted: "check your email", with the focus on it.
	tab.Type("Password", strong)
	tab.Press("Create account")
	heading := chromedp.Search(`//h1[normalize-space()="Check your email"]`)
	tab.WaitVisible(heading)
	if got := tab.Focused(); got != "Check your email" {
		t.Errorf("focus after signing up is on %q", got)
	}
	if got := tab.Text(chromedp.Search(`//section[@id="check-email"]`)); !strings.Contains(got, "We have sent an email to "+email+". Follow the link in it to confirm the address") {
		t.Errorf("the check-your-email view says %q", got)
	}
	tab.Screenshot("sign-up-check-email.png")

	// Signing in before confirming explains why not, and where to go.
	signIn := func(pw string) {
		t.Helper()
		tab.Open(base + "/sign-in")
		tab.Type("Email", email)
		tab.Type("Password", pw)
		tab.Press("Sign in")
	}
	signIn(strong)
	tab.WaitVisible(testenv.Link("Ask for a new link"))
	if got := tab.Text(chromedp.Search(`//*[@role="alert"]`)); !strings.Contains(got, "Your email address is not confirmed yet") {
		t.Errorf("sign-in before confirming says %q", got)
	}
	tab.Screenshot("sign-in-not-confirmed.png")

	// Ask for a new link from there: the first link is superseded.
	first := verifyLinkTo(t, base, email, 1)
	tab.Follow("Ask for a new link")
	tab.WaitVisible(chromedp.Search(`//h1[normalize-space()="Ask for a new confirmation link"]`))
	tab.Type("Email", email)
	tab.Press("Send a new link")
	tab.WaitVisible(chromedp.Search(`//*[@role="status" and contains(., "a new link is on its way")]`))
	second := verifyLinkTo(t, base, email, 2)

	tab.Open(first)
	tab.Press("Confirm my email address")
	tab.WaitVisible(chromedp.Search(`//h1[normalize-space()="This link no longer works"]`))
	if got := tab.Focused(); got != "This link no longer works" {
		t.Errorf("focus after a spent link is on %q", got)
	}
	tab.WaitVisible(testenv.Button("Send a new link"))
	tab.Screenshot("verify-email-expired.png")

	tab.Open(second)
	tab.WaitVisible(testenv.Button("Confirm my email address"))
	if href := testenv.Eval[string](tab, "window.location.href"); href != base+"/verify-email" {
		t.Errorf("address bar = %q; want the token gone", href)
	}
	tab.Screenshot("verify-email-confirm.png")
	tab.Press("Confirm my email address")
	tab.WaitVisible(chromedp.Search(`//h1[normalize-space()="Your email address is confirmed"]`))
	if got := tab.Focused(); got != "Your email address is confirmed" {
		t.Errorf("focus after confirming is on %q", got)
	}
	tab.Screenshot("verify-email-confirmed.png")
	tab.Follow("Sign in")
	tab.Type("Email", email)
	tab.Type("Password", strong)
	tab.Press("Sign in")
	tab.WaitVisible(chromedp.Search(`//h1[normalize-space()="Signed in"]`))
	if got := tab.Text(chromedp.Search(`//section[@id="signed-in"]`)); !strings.Contains(got, "Pat Browser ("+email+")") {
		t.Errorf("signed in as %q; want Pat Browser", got)
	}
}

// TestSignUpRateLimitInBrowser: over the per-address limit (one a minute
// here, on a stopped clock so the window cannot turn), the sign-up and
// sign-in pages say to wait, for as long as Retry-After says.
func TestSignUpRateLimitInBrowser(t *testing.T) {
	_, base := testenv.Portal(t, func(c *portal.Config) { c.Throttle.PerMinute = 1 }, func(d *portal.Deps) {
		stopped := time.Now()
		if err := d.WithClock(func() time.Time { return stopped }); err != nil {
			t.Fatal(err)
		}
	})
	tab := testenv.NewTab(t)
	tab.Open(base + "/sign-up")
	tab.Choose("Question 1", school)
	tab.Choose("Question 2", employer)
	tab.Choose("Question 3", pet)
	tab.Press("Create account")
	tab.WaitVisible(testenv.Link("Full name is required"))
	tab.Press("Create account")
	wait := chromedp.Search(`//*[@role="alert"]//li[starts-with(normalize-space(), "Too many tries from your network. Wait ")]`)
	tab.WaitVisible(wait)
	if got := tab.Text(wait); !regexp.MustCompile(`^Too many tries from your network\. Wait \d+ seconds, then try again\.$`).MatchString(got) {
		t.Errorf("sign-up over the limit says %q", got)
	}

	tab.Open(base + "/sign-in")
	for range 2 {
		tab.Type("Email", testenv.Email("nobody"))
		tab.Type("Password", "Not-A-Known-Password-1")
		tab.Press("Sign in")
		tab.WaitVisible(chromedp.Search(`//*[@role="alert"]`))
	}
	tab.WaitVisible(chromedp.Search(`//*[@role="alert" and starts-with(normalize-space(), "Too many tries from your network. Wait ")]`))
}

// verifyLinkTo waits for the n-th mail to email and returns its
// verification link, which must point at the portal under test.
func verifyLinkTo(t *testing.T, base, email string, n int) string {
	t.Helper()
	mails := testenv.WaitMails(t, email, n)
	if len(mails) < n {
		t.Fatalf("%d mails to %s; want %d", len(mails), email, n)
	}
	link := regexp.MustCompile(regexp.QuoteMeta(base) + `/verify-email\?token=[A-Za-z0-9_-]+`).FindString(mails[n-1].Body.Text)
	if link == "" {
		t.Fatalf("mail %d to %s has no verification link on %s: %s", n, email, base, mails[n-1].Body.Text)
	}
	return link
}
