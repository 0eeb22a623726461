package accounts_test

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal"
	"github.com/partner-portal/portal/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const pw = testenv.Password

type env struct {
	t   *testing.T
	d   *portal.Deps
	url string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	d, base := testenv.Portal(t, nil, nil)
	return &env{t: t, d: d, url: base}
}

func (e *env) call(method, path, token string, body any) testenv.Response {
	e.t.Helper()
	return testenv.Call(e.t, e.url, method, path, token, body)
}

func (e *env) must(r testenv.Response, status int) testenv.Response {
	e.t.Helper()
	if r.Status != status {
		e.t.Fatalf("status %d %s; want %d", r.Status, r.Body, status)
	}
	return r
}

// person signs a user up (as staff when role is set) and signs them in.
func (e *env) person(prefix string, role identity.StaffRole) (email, id, token string) {
	e.t.Helper()
	email = testenv.Email(prefix)
	return email, e.signUp(email, role), e.signIn(email)
}

func (e *env) signUp(email string, role identity.StaffRole) string {
	e.t.Helper()
	nu, err := identity.SignUpRequest{Email: email, Password: pw, Name: "Person " + email[:4], SecurityAnswers: []identity.AnswerInput{
		{QuestionID: "q01", Answer: "a"}, {QuestionID: "q02", Answer: "b"}, {QuestionID: "q03", Answer: "c"}}}.Validate()
	if err != nil {
		e.t.Fatal(err)
	}
	nu.StaffRole = role
	u, err := e.d.Users.SignUp(context.Background(), nu, identity.Client{})
	if err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

func (e *env) signIn(email string) string {
	e.t.Helper()
	return testenv.SignIn(e.t, e.url, email, pw)
}

var invitePattern = regexp.MustCompile(`https?://[^\s"<>]+/accept-invitation\?token=[A-Za-z0-9_%-]+`)

// invitation returns the token of the newest invitation mailed to email.
func (e *env) invitation(email string, n int) string {
	e.t.Helper()
	mails := testenv.WaitMails(e.t, email, n)
	if len(mails) < n {
		e.t.Fatalf("%d mails to %s; want %d", len(mails), email, n)
	}
	link := invitePattern.FindString(mails[n-1].Body.Text)
	u, err := url.Parse(link)
	if link == "" || err != nil || !strings.HasPrefix(link, e.url+"/accept-invitation?token=") {
		e.t.Fatalf("no invitation link on %s in %q", e.url, mails[n-1].Body.Text)
	}
	return u.Query().Get("token")
}

// world is an organisation with one importer account, its owner, a user,
// the assigned specialist, another specialist and an admin.
type world struct {
	orgID, accountID                               string
	admin, scss, otherSCSS, owner, user            string // tokens
	ownerEmail, userEmail, ownerID, userID, scssID string
}

func (e *env) world(assigned bool) world {
	e.t.Helper()
	var w world
	_, _, w.admin = e.person("admin", identity.Admin)
	_, w.scssID, w.scss = e.person("scss", identity.SCSS)
	_, _, w.otherSCSS = e.person("scss2", identity.SCSS)
	w.orgID = e.must(e.call("POST", "/v1/organizations", w.admin, map[string]string{"name": "Acme Imports Group"}), 201).JSON()["id"].(string)
	w.ownerEmail = testenv.Email("owner")
	body := map[string]any{"name": "Acme Imports", "entityType": "importer", "programs": []string{"ctpat_security", "ctpat_trade_compliance"},
		"ownerEmail": w.ownerEmail, "reviewDueDate": "2027-03-31"}
	if assigned {
		body["specialistId"] = w.scssID
	}
	w.accountID = e.must(e.call("POST", "/v1/organizations/"+w.orgID+"/accounts", w.admin, body), 201).JSON()["id"].(string)
	w.ownerID = e.signUp(w.ownerEmail, "")
	w.owner = e.signIn(w.ownerEmail)
	e.must(e.call("POST", "/v1/invitations/"+e.invitation(w.ownerEmail, 1)+"/accept", w.owner, nil), 200)
	w.userEmail = testenv.Email("user")
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.owner, map[string]string{"email": w.userEmail, "role": "user"}), 201)
	w.userID = e.signUp(w.userEmail, "")
	w.user = e.signIn(w.userEmail)
	e.must(e.call("POST", "/v1/invitations/"+e.invitation(w.userEmail, 1)+"/accept", w.user, nil), 200)
	return w
}

func (e *env) account(id string) account.Account {
	e.t.Helper()
	var a account.Account
	if found, err := e.d.Store.Get(context.Background(), store.Key{PK: "ACCOUNT#" + id, SK: "ACCOUNT"}, &a); err != nil || !found {
		e.t.Fatalf("account %s: %v %v", id, found, err)
	}
	return a
}

// TestAccountCreationToMembership: account creation → invitation email →
// sign-up → accept → /v1/me shows the membership.
func TestAccountCreationToMembership(t *testing.T) {
	e := newEnv(t)
	w := e.world(true)
	me := e.must(e.call("GET", "/v1/me", w.owner, nil), 200).JSON()
	ms := me["memberships"].([]any)
	if len(ms) != 1 {
		t.Fatalf("memberships = %v; want one", ms)
	}
	m := ms[0].(map[string]any)
	if _, leaked := m["PK"]; leaked {
		t.Errorf("membership %v shows the table's keys", m)
	}
	if m["organizationId"] != w.orgID || m["organizationName"] != "Acme Imports Group" || m["accountId"] != w.accountID ||
		m["accountName"] != "Acme Imports" || m["role"] != "owner" || len(m["programs"].([]any)) != 2 {
		t.Errorf("membership = %v", m)
	}
	a := e.account(w.accountID)
	if a.GSI3PK != "DUE#2027-03-31" || a.SpecialistID != w.scssID || !slices.Contains(a.Contacts, w.ownerEmail) || slices.Contains(a.Contacts, w.userEmail) {
		t.Errorf("account = %+v; want due-date index key, specialist, the owner (not the user) as contact", a)
	}
	mails := testenv.MailsTo(t, w.ownerEmail)
	if len(mails) != 1 || !strings.Contains(mails[0].Subject, "Acme Imports") || !strings.Contains(mails[0].Body.Text, "account owner") {
		t.Errorf("invitation mail = %+v", mails)
	}
	orgResp := e.must(e.call("GET", "/v1/organizations/"+w.orgID, w.user, nil), 200)
	if strings.Contains(string(orgResp.Body), `"PK"`) || strings.Contains(string(orgResp.Body), `"SK"`) {
		t.Errorf("organisation %s shows the table's keys", orgResp.Body)
	}
	org := orgResp.JSON()
	if accs := org["accounts"].([]any); len(accs) != 1 || accs[0].(map[string]any)["entityType"] != "importer" {
		t.Errorf("organisation = %v", org)
	}
}

func TestInvitationsAndAccessManagement(t *testing.T) {
	e := newEnv(t)
	w := e.world(false)
	// Accepting twice: 410.
	if r := e.call("POST", "/v1/invitations/"+e.invitation(w.userEmail, 1)+"/accept", w.user, nil); r.Status != 410 || r.Code() != "token_expired" {
		t.Errorf("second accept = %d %s; want 410", r.Status, r.Body)
	}
	// Someone else accepting: 403.
	invitee := testenv.Email("invitee")
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.owner, map[string]string{"email": invitee, "role": "poc"}), 201)
	first := e.invitation(invitee, 1)
	if r := e.call("POST", "/v1/invitations/"+first+"/accept", w.user, nil); r.Status != 403 || r.Code() != "invitation_email_mismatch" {
		t.Errorf("accept by another email = %d %s; want 403", r.Status, r.Body)
	}
	// Re-inviting replaces the old invitation.
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.owner, map[string]string{"email": invitee, "role": "poc"}), 201)
	second := e.invitation(invitee, 2)
	e.signUp(invitee, "")
	inviteeToken := e.signIn(invitee)
	if r := e.call("POST", "/v1/invitations/"+first+"/accept", inviteeToken, nil); r.Status != 410 {
		t.Errorf("the replaced invitation = %d; want 410", r.Status)
	}
	e.must(e.call("POST", "/v1/invitations/"+second+"/accept", inviteeToken, nil), 200)
	if a := e.account(w.accountID); !slices.Contains(a.Contacts, invitee) {
		t.Errorf("contacts %v lack the new POC", a.Contacts)
	}
	// Only the AO invites.
	if r := e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.user, map[string]string{"email": testenv.Email("x"), "role": "user"}); r.Status != 403 {
		t.Errorf("a user invites = %d; want 403", r.Status)
	}

	// The AO's list: every user with role, status, last sign-in, delivery.
	var list struct {
		Users []accounts.UserView `json:"users"`
	}
	r := e.must(e.call("GET", "/v1/accounts/"+w.accountID+"/users", w.owner, nil), 200)
	if err := jsonUnmarshal(r.Body, &list); err != nil || len(list.Users) != 3 {
		t.Fatalf("users = %s", r.Body)
	}
	for _, u := range list.Users {
		if u.Status != "active" || u.DeliveryStatus != "ok" || u.LastSignInAt == nil || u.Role == "" {
			t.Errorf("user %+v", u)
		}
	}
	if r := e.call("GET", "/v1/accounts/"+w.accountID+"/users", w.user, nil); r.Status != 403 {
		t.Errorf("a user lists users = %d; want 403", r.Status)
	}

	// Deactivation ends access at once; the last owner stays.
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/users/"+w.userID+"/deactivate", w.owner, nil), 204)
	if r := e.call("GET", "/v1/organizations/"+w.orgID, w.user, nil); r.Status != 404 {
		t.Errorf("a deactivated user reads the organisation = %d; want 404", r.Status)
	}
	if ms := e.must(e.call("GET", "/v1/me", w.user, nil), 200).JSON()["memberships"].([]any); len(ms) != 0 {
		t.Errorf("a deactivated user's memberships = %v", ms)
	}
	if r := e.call("POST", "/v1/accounts/"+w.accountID+"/users/"+w.ownerID+"/deactivate", w.owner, nil); r.Status != 409 || r.Code() != "last_owner" {
		t.Errorf("removing the last owner = %d %s; want 409 last_owner", r.Status, r.Body)
	}
	if r := e.call("PUT", "/v1/accounts/"+w.accountID+"/users/"+w.ownerID+"/role", w.owner, map[string]string{"role": "poc"}); r.Status != 409 {
		t.Errorf("demoting the last owner = %d; want 409", r.Status)
	}
	events := e.must(e.call("GET", "/v1/accounts/"+w.accountID+"/audit", w.owner, nil), 200).JSON()["events"].([]any)
	var actions []string
	for _, ev := range events {
		actions = append(actions, ev.(map[string]any)["action"].(string))
	}
	for _, want := range []string{"account_created", "user_invited", "invitation_accepted", "user_deactivated"} {
		if !slices.Contains(actions, want) {
			t.Errorf("account audit %v lacks %s", actions, want)
		}
	}
}

func TestRoleChange(t *testing.T) {
	e := newEnv(t)
	w := e.world(false)
	if r := e.call("PUT", "/v1/accounts/"+w.accountID+"/users/"+w.userID+"/role", w.user, map[string]string{"role": "owner"}); r.Status != 403 {
		t.Errorf("a user makes themselves owner = %d; want 403", r.Status)
	}
	if r := e.call("PUT", "/v1/accounts/"+w.accountID+"/users/"+w.userID+"/role", w.owner, map[string]string{"role": "king"}); r.Status != 400 || r.Code() != "invalid_role" {
		t.Errorf("unknown role = %d %s; want 400 invalid_role", r.Status, r.Body)
	}
	e.must(e.call("PUT", "/v1/accounts/"+w.accountID+"/users/"+w.userID+"/role", w.owner, map[string]string{"role": "owner"}), 204)
	if a := e.account(w.accountID); !slices.Contains(a.Contacts, w.userEmail) {
		t.Errorf("a new owner is not a contact: %v", a.Contacts)
	}
	// Now there are two owners: the first may step down.
	e.must(e.call("PUT", "/v1/accounts/"+w.accountID+"/users/"+w.ownerID+"/role", w.owner, map[string]string{"role": "user"}), 204)
	if ms := e.must(e.call("GET", "/v1/me", w.owner, nil), 200).JSON()["memberships"].([]any); ms[0].(map[string]any)["role"] != "user" {
		t.Errorf("/v1/me role after the change = %v", ms)
	}
}

// TestIsolation: a user of another organisation reaches nothing, whatever
// ids they send.
func TestIsolation(t *testing.T) {
	e := newEnv(t)
	w := e.world(true)
	_, _, stranger := e.person("stranger", "")
	for _, c := range []struct{ method, path string }{
		{"GET", "/v1/organizations/" + w.orgID},
		{"GET", "/v1/accounts/" + w.accountID + "/users"},
		{"GET", "/v1/accounts/" + w.accountID + "/audit"},
		{"POST", "/v1/accounts/" + w.accountID + "/users/" + w.userID + "/deactivate"},
	} {
		if r := e.call(c.method, c.path, stranger, nil); r.Status != 404 {
			t.Errorf("stranger %s %s = %d; want 404", c.method, c.path, r.Status)
		}
	}
	if r := e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", stranger, map[string]string{"email": testenv.Email("x"), "role": "owner"}); r.Status != 404 {
		t.Errorf("stranger invites = %d; want 404", r.Status)
	}
	if r := e.call("POST", "/v1/organizations/"+w.orgID+"/accounts", w.owner, map[string]any{"name": "X", "entityType": "importer",
		"programs": []string{"ctpat_security"}, "ownerEmail": testenv.Email("o")}); r.Status != 403 {
		t.Errorf("an AO creates an account = %d; want 403 (admins only)", r.Status)
	}
}

// TestSpecialistScope: an SCSS acts on the accounts assigned to them and on
// the shared pool; admins on all.
func TestSpecialistScope(t *testing.T) {
	e := newEnv(t)
	assigned := e.world(true)
	if r := e.call("GET", "/v1/accounts/"+assigned.accountID+"/users", assigned.scss, nil); r.Status != 200 {
		t.Errorf("assigned SCSS lists users = %d; want 200", r.Status)
	}
	if r := e.call("GET", "/v1/accounts/"+assigned.accountID+"/users", assigned.otherSCSS, nil); r.Status != 404 {
		t.Errorf("another SCSS lists users = %d; want 404", r.Status)
	}
	if r := e.call("POST", "/v1/users/"+assigned.userID+"/suspend", assigned.otherSCSS, nil); r.Status != 403 {
		t.Errorf("another SCSS suspends a user of the account = %d; want 403", r.Status)
	}
	e.must(e.call("POST", "/v1/users/"+assigned.userID+"/unlock", assigned.scss, nil), 204)
	e.must(e.call("POST", "/v1/accounts/"+assigned.accountID+"/users/"+assigned.userID+"/deactivate", assigned.scss, nil), 204)

	pool := e.world(false)
	for _, tok := range []string{pool.scss, pool.otherSCSS, pool.admin} {
		if r := e.call("GET", "/v1/accounts/"+pool.accountID+"/users", tok, nil); r.Status != 200 {
			t.Errorf("staff on a pooled account = %d; want 200", r.Status)
		}
	}
	e.must(e.call("POST", "/v1/users/"+pool.userID+"/suspend", pool.otherSCSS, nil), 204)
}

func TestAccountValidation(t *testing.T) {
	e := newEnv(t)
	_, _, admin := e.person("admin", identity.Admin)
	org := e.must(e.call("POST", "/v1/organizations", admin, map[string]string{"name": "  Org  "}), 201).JSON()["id"].(string)
	r := e.call("POST", "/v1/organizations/"+org+"/accounts", admin, map[string]any{"name": "", "entityType": "pirate",
		"programs": []string{"ctpat_piracy"}, "ownerEmail": "nope", "reviewDueDate": "2027-02-30"})
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Details []struct {
				Field string `json:"field"`
			} `json:"details"`
		} `json:"error"`
	}
	if err := jsonUnmarshal(r.Body, &body); err != nil || r.Status != 400 {
		t.Fatalf("bad account = %d %s", r.Status, r.Body)
	}
	var fields []string
	for _, d := range body.Error.Details {
		fields = append(fields, d.Field)
	}
	if strings.Join(fields, ",") != "name,entityType,programs,ownerEmail,reviewDueDate" {
		t.Errorf("fields named = %v; want every bad one", fields)
	}
	_, notSCSS, _ := e.person("partner", "")
	if r := e.call("POST", "/v1/organizations/"+org+"/accounts", admin, map[string]any{"name": "A", "entityType": "importer",
		"programs": []string{"ctpat_security"}, "ownerEmail": testenv.Email("o"), "specialistId": notSCSS}); r.Status != 400 || r.Code() != "invalid_specialist_id" {
		t.Errorf("a partner as specialist = %d %s; want 400", r.Status, r.Body)
	}
	if r := e.call("POST", "/v1/organizations/nope/accounts", admin, map[string]any{"name": "A", "entityType": "importer",
		"programs": []string{"ctpat_security"}, "ownerEmail": testenv.Email("o")}); r.Status != 404 {
		t.Errorf("unknown organisation = %d; want 404", r.Status)
	}
	r = e.must(e.call("POST", "/v1/organizations/"+org+"/accounts", admin, map[string]any{"name": "B", "entityType": "sea_carrier",
		"programs": []string{"ctpat_security"}, "ownerEmail": testenv.Email("o")}), 201)
	if due := r.JSON()["reviewDueDate"].(string); due != e.d.Users.Now().UTC().AddDate(1, 0, 0).Format("2006-01-02") {
		t.Errorf("default due date = %s; want a year from today", due)
	}
}

func TestLinks(t *testing.T) {
	e := newEnv(t)
	w := e.world(false)
	second := e.must(e.call("POST", "/v1/organizations/"+w.orgID+"/accounts", w.admin, map[string]any{"name": "Acme Manufacturing",
		"entityType": "foreign_manufacturer", "programs": []string{"ctpat_security"}, "ownerEmail": testenv.Email("o")}), 201).JSON()["id"].(string)
	body := map[string]string{"fromAccountId": w.accountID, "toAccountId": second, "relationship": "Tier II importer of"}
	if r := e.call("POST", "/v1/organizations/"+w.orgID+"/links", w.user, body); r.Status != 403 {
		t.Errorf("a user links = %d; want 403", r.Status)
	}
	if r := e.call("POST", "/v1/organizations/"+w.orgID+"/links", w.owner, body); r.Status != 201 || r.JSON()["status"] != "proposed" {
		t.Errorf("an AO links = %d %s; want 201, a proposal (issue 13)", r.Status, r.Body)
	}
	link := e.must(e.call("POST", "/v1/organizations/"+w.orgID+"/links", w.admin, body), 201).JSON()["id"].(string)
	org := e.must(e.call("GET", "/v1/organizations/"+w.orgID, w.owner, nil), 200).JSON()
	links := org["links"].([]any)
	if len(links) != 1 || links[0].(map[string]any)["relationship"] != "Tier II importer of" || len(org["accounts"].([]any)) != 2 {
		t.Errorf("organisation = %v", org)
	}
	e.must(e.call("DELETE", "/v1/organizations/"+w.orgID+"/links/"+link, w.admin, nil), 204)
	if r := e.call("DELETE", "/v1/organizations/"+w.orgID+"/links/"+link, w.admin, nil); r.Status != 404 {
		t.Errorf("deleting it again = %d; want 404", r.Status)
	}
	other := e.must(e.call("POST", "/v1/organizations", w.admin, map[string]string{"name": "Other"}), 201).JSON()["id"].(string)
	if r := e.call("POST", "/v1/organizations/"+other+"/links", w.admin, body); r.Status != 400 {
		t.Errorf("linking accounts of another organisation = %d; want 400", r.Status)
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
