package accounts_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/partner-portal/portal/infra/testenv"
)

// TestAcceptInvitationInBrowser follows an invitation email in Chromium:
// not signed in, the page offers to sign in first; signed in (cookie), one
// click joins the account.
func TestAcceptInvitationInBrowser(t *testing.T) {
	e := newEnv(t)
	w := e.world(false)
	invitee := testenv.Email("invitee")
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.owner, map[string]string{"email": invitee, "role": "poc"}), 201)
	e.signUp(invitee, "")
	link := e.url + "/accept-invitation?token=" + e.invitation(invitee, 1)

	tab := testenv.NewTab(t)
	tab.Open(link)
	tab.WaitVisible(testenv.Link("sign in"))
	if href := testenv.Eval[string](tab, "window.location.href"); strings.Contains(href, "token") {
		t.Errorf("address bar keeps the token: %s", href)
	}
	// Sign in on the sign-in page (the cookie), then open the link again.
	tab.Follow("sign in")
	tab.Type("Email", invitee)
	tab.Type("Password", pw)
	tab.Press("Sign in")
	tab.WaitVisible(chromedp.Search(`//h1[normalize-space()="Signed in"]`))
	tab.Open(link)
	tab.Press("Accept the invitation")
	tab.WaitVisible(chromedp.Search(`//h1[normalize-space()="Welcome"]`))
	if msg := tab.Text(chromedp.Search(`//p[@id="joined-message"]`)); msg != "You are now a point of contact of Acme Imports (Acme Imports Group)." {
		t.Errorf("joined message = %q", msg)
	}
	ms := e.must(e.call("GET", "/v1/me", e.signIn(invitee), nil), 200).JSON()["memberships"].([]any)
	if len(ms) != 1 || ms[0].(map[string]any)["role"] != "poc" {
		t.Errorf("memberships after accepting in the browser = %v", ms)
	}
}

// TestInvitationSignUpInBrowser: an invitation made through the API by the
// account owner, opened in Chromium by someone with no user and signed out.
// The page offers both ways in; the sign-up form (fields found by their
// labels) explains a missing answer beside its field, then creates the user,
// who has joined the account and is signed in by the page's cookie.
func TestInvitationSignUpInBrowser(t *testing.T) {
	e := newEnv(t)
	w := e.world(false)
	invitee := testenv.Email("newcomer")
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.owner, map[string]string{"email": invitee, "role": "poc"}), 201)
	link := e.url + "/accept-invitation?token=" + e.invitation(invitee, 1)
	const password = "Copper-Harbour-Signal-31"

	tab := testenv.NewTab(t)
	tab.Open(link)
	tab.WaitVisible(testenv.Button("Create my user and join"))
	tab.WaitVisible(testenv.Link("sign in"))
	if href := testenv.Eval[string](tab, "window.location.href"); href != e.url+"/accept-invitation" {
		t.Errorf("address bar = %q; want the token gone", href)
	}
	if shown := testenv.Eval[bool](tab, `!document.getElementById("accept").hidden`); shown {
		t.Error("the accept button is offered to a visitor who is not signed in")
	}

	// The rules come from the API: wait until the page shows them.
	tab.Do(chromedp.WaitVisible(chromedp.CSS(`#policy li[data-rule="min_length"]`)))
	tab.Type("Full name", "Nora Newcomer")
	tab.Type("Password", password)
	// Length is checked as they type; the email, not on the page, is not.
	rules := testenv.Eval[string](tab, `[...document.querySelectorAll("#policy li")].map(li => li.dataset.rule + "=" + li.className).join(" ")`)
	marked := strings.Fields(rules)
	if !slices.Contains(marked, "min_length=met") || !slices.Contains(marked, "contains_email=") || strings.Contains(rules, "reused") {
		t.Errorf("rules as marked in the page: %s; want min_length met, contains_email unmarked, no history rule", rules)
	}
	tab.Choose("Question 1", "In what city did your parents meet?")
	tab.Type("Your answer to question 1", "Oak Street")
	tab.Choose("Question 2", "What is the name of the street you grew up on?")
	tab.Type("Your answer to question 2", "Blue")
	tab.Choose("Question 3", "What is the middle name of your oldest sibling?")
	tab.Press("Create my user and join")
	tab.WaitVisible(testenv.Link("Your answer to question 3 is required"))
	if got := tab.Description("Your answer to question 3"); got != "Error: Your answer to question 3 is required" {
		t.Errorf("the third answer is described as %q", got)
	}
	tab.Screenshot("invitation-sign-up-error.png")

	tab.Type("Your answer to question 3", "Rex")
	tab.Press("Create my user and join")
	tab.WaitVisible(chromedp.Search(`//h1[normalize-space()="Welcome"]`))
	if got := tab.Focused(); got != "Welcome" {
		t.Errorf("focus after joining is on %q", got)
	}
	if msg := tab.Text(chromedp.Search(`//p[@id="joined-message"]`)); msg != "You are now a point of contact of Acme Imports (Acme Imports Group)." {
		t.Errorf("joined message = %q", msg)
	}
	tab.Screenshot("invitation-sign-up-welcome.png")

	// The page's cookie is a session of the new user, who is a member.
	me := testenv.Eval[map[string]any](tab, `fetch("/v1/me").then(r => r.json())`)
	user, _ := me["user"].(map[string]any)
	ms, _ := me["memberships"].([]any)
	if user["email"] != invitee || user["name"] != "Nora Newcomer" || len(ms) != 1 ||
		ms[0].(map[string]any)["accountId"] != w.accountID || ms[0].(map[string]any)["role"] != "poc" {
		t.Errorf("GET /v1/me with the page's cookie = %v", me)
	}
	// The user was created confirmed: the password chosen in the page works.
	testenv.SignIn(t, e.url, invitee, password)
}
