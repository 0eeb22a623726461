package portal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	programme "github.com/partner-portal/portal/shared/application"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/library"
	"github.com/partner-portal/portal/shared/notice"
	"github.com/partner-portal/portal/shared/portal"
)

// The principals of the matrix, in column order.
var principals = []string{"anonymous", "stranger", "member", "poc", "owner", "scss-unassigned", "scss-assigned", "admin"}

const matrixPassword = testenv.Password

// matrix is one portal with an organisation whose importer account is
// assigned to one specialist, its owner, POC and user, a user of another
// organisation, another specialist and an admin.
type matrix struct {
	t       *testing.T
	d       *portal.Deps
	base    string
	tokens  map[string]string
	emails  map[string]string
	ids     map[string]string
	org     string
	account string
	second  string // another account of the organisation, for links
	victim  string // a user of the account that no principal is
}

func newMatrix(t *testing.T) *matrix {
	d, base := testenv.Portal(t, nil, nil)
	m := &matrix{t: t, d: d, base: base, tokens: map[string]string{}, emails: map[string]string{}, ids: map[string]string{}}
	ctx := context.Background()
	roles := map[string]identity.StaffRole{"scss-unassigned": identity.SCSS, "scss-assigned": identity.SCSS, "admin": identity.Admin}
	for _, p := range append(principals[1:], "victim") {
		m.emails[p] = testenv.Email(p)
		m.ids[p] = m.user(m.emails[p], roles[p])
	}
	m.victim = m.ids["victim"]
	m.org, m.account = "org-"+m.ids["owner"][:8], "acc-"+m.ids["owner"][:8]
	members := []accounts.SeedMember{
		{UserID: m.ids["owner"], Email: m.emails["owner"], Role: accounts.Owner},
		{UserID: m.ids["poc"], Email: m.emails["poc"], Role: accounts.POC},
		{UserID: m.ids["member"], Email: m.emails["member"], Role: accounts.User},
		{UserID: m.victim, Email: m.emails["victim"], Role: accounts.User},
	}
	must(t, d.Accounts.SeedAccount(ctx, accounts.Organization{ID: m.org, Name: "Matrix Group"},
		account.Account{ID: m.account, Name: "Matrix Imports", EntityType: "importer", Programs: []string{"ctpat_security", "ctpat_trade_compliance"},
			SpecialistID: m.ids["scss-assigned"], ReviewDueDate: "2027-01-31"}, members))
	m.second = "acc2-" + m.ids["owner"][:8]
	must(t, d.Accounts.SeedAccount(ctx, accounts.Organization{ID: m.org, Name: "Matrix Group"},
		account.Account{ID: m.second, Name: "Matrix Manufacturing", EntityType: "foreign_manufacturer", Programs: []string{"ctpat_security"},
			SpecialistID: m.ids["scss-assigned"], ReviewDueDate: "2027-01-31"}, nil))
	must(t, d.Accounts.SeedAccount(ctx, accounts.Organization{ID: "other-" + m.org, Name: "Elsewhere Ltd"},
		account.Account{ID: "other-" + m.account, Name: "Elsewhere Imports", EntityType: "importer", Programs: []string{"ctpat_security"},
			ReviewDueDate: "2027-01-31"}, []accounts.SeedMember{{UserID: m.ids["stranger"], Email: m.emails["stranger"], Role: accounts.Owner}}))
	for _, p := range principals[1:] {
		m.tokens[p] = m.signIn(m.emails[p])
	}
	return m
}

// proposedLink makes the owner's proposal of a link from the second account
// to the account (after removing whatever link the pair had) and returns its
// id.
func (m *matrix) proposedLink() string {
	m.t.Helper()
	ctx := context.Background()
	id := m.second + "." + m.account
	if err := m.d.Accounts.UnlinkAccounts(ctx, accounts.Principal{StaffRole: identity.Admin}, m.org, id); err != nil && !strings.Contains(err.Error(), "link_not_found") {
		m.t.Fatal(err)
	}
	_, err := m.d.Accounts.LinkAccounts(ctx, accounts.Principal{UserID: m.ids["owner"], Email: m.emails["owner"]}, m.org,
		accounts.NewLink{From: m.second, To: m.account, Type: "manufacturer", Tier: 1})
	must(m.t, err)
	return id
}

// announcement makes a live announcement for everyone and returns its id.
func (m *matrix) announcement() string {
	m.t.Helper()
	a, err := m.d.Notices.CreateAnnouncement(context.Background(), m.ids["admin"], notice.Announcement{Title: "Matrix", Body: "News",
		Severity: "info", StartsAt: time.Now().Add(-time.Hour), EndsAt: time.Now().Add(time.Hour)})
	must(m.t, err)
	return a.ID
}

// libraryDocument makes a library document, published (its PDF put in the
// bucket and checked) or still pending, and returns its id.
func (m *matrix) libraryDocument(publish bool) string {
	m.t.Helper()
	ctx := context.Background()
	content := []byte("%PDF-1.7\nmatrix\n")
	doc, _, err := m.d.Library.StartUpload(ctx, m.ids["admin"], library.NewDocument{Title: "Matrix guide", Category: "guidance",
		FileName: "guide.pdf", Size: int64(len(content))})
	must(m.t, err)
	if !publish {
		return doc.ID
	}
	_, err = m.d.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(m.d.Config.BucketName), Key: aws.String("library/" + doc.ID),
		Body: bytes.NewReader(content), ContentType: aws.String(library.ContentType)})
	must(m.t, err)
	_, err = m.d.Library.Complete(ctx, m.ids["admin"], doc.ID)
	must(m.t, err)
	return doc.ID
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (m *matrix) user(email string, role identity.StaffRole) string {
	m.t.Helper()
	nu, err := identity.SignUpRequest{Email: email, Password: matrixPassword, Name: "Matrix Person", SecurityAnswers: []identity.AnswerInput{
		{QuestionID: "q01", Answer: "a"}, {QuestionID: "q02", Answer: "b"}, {QuestionID: "q03", Answer: "c"}}}.Validate()
	must(m.t, err)
	nu.StaffRole = role
	u, err := m.d.Users.SignUp(context.Background(), nu, identity.Client{})
	must(m.t, err)
	return u.ID
}

func (m *matrix) signIn(email string) string {
	m.t.Helper()
	return testenv.SignIn(m.t, m.base, email, matrixPassword)
}

// cell is one request of the matrix: the principal and its token, which a
// row may replace (signing out needs a session of its own).
type cell struct {
	m         *matrix
	principal string
	token     string
}

// row is a route and, for each principal, the status it must get.
type row struct {
	route string
	req   func(c *cell) (path string, body any)
	want  [8]int // in the order of principals
}

func fixed(path string, body any) func(*cell) (string, any) {
	return func(*cell) (string, any) { return path, body }
}

func application() map[string]any {
	return map[string]any{
		"ein": "12-3456789", "companyName": "Matrix Imports LLC", "fiscalYearEnd": "12/31",
		"address":  map[string]string{"street": "1 Harbor Way", "city": "Oakland", "postalCode": "94607", "country": "US"},
		"newOwner": map[string]string{"firstName": "Nia", "lastName": "New", "dateOfBirth": "1985-03-02", "phone": "+1 510 555 0100", "email": testenv.Email("newao")},
		"newRole":  "owner", "previousOwner": "user",
		"justification": "The owner left the company last month.",
	}
}

// programmeApplication is a valid programme application for a company with
// an EIN of its own.
func programmeApplication() map[string]any {
	return map[string]any{
		"programs": []string{"ctpat_security"},
		"company": map[string]any{"legalName": "Matrix Applicant LLC", "ein": fmt.Sprintf("12-%07d", rand.IntN(10_000_000)), "entityType": "importer",
			"address": map[string]string{"street1": "1 Harbor Way", "city": "Oakland", "state": "CA", "postalCode": "94607", "country": "US"},
			"phone":   "+1 510 555 0100"},
		"contact":     map[string]string{"name": "Casey Contact", "email": testenv.Email("contact"), "phone": "+1 510 555 0101"},
		"attestation": true,
	}
}

// fileApplication files a programme application as principal p and
// returns its id.
func (m *matrix) fileApplication(p string) string {
	m.t.Helper()
	var req programme.Request
	raw, err := json.Marshal(programmeApplication())
	must(m.t, err)
	must(m.t, json.Unmarshal(raw, &req))
	fl, err := req.Validate()
	must(m.t, err)
	app, err := m.d.Applications.Submit(context.Background(), accounts.Principal{UserID: m.ids[p], Email: m.emails[p]}, fl)
	must(m.t, err)
	return app.ID
}

// TestRoleRouteMatrix sends every route of template.yaml as every kind of
// principal and checks each status. A route of the template without a row
// fails the test, so a new route must say who may use it.
func TestRoleRouteMatrix(t *testing.T) {
	m := newMatrix(t)
	acc := "/v1/accounts/" + m.account
	org := "/v1/organizations/" + m.org
	const (
		ok, created, accepted, noContent = 200, 201, 202, 204
		bad, unauth, forbid, missing     = 400, 401, 403, 404
		conflict, gone, policy           = 409, 410, 422
	)
	all := func(s int) [8]int { return [8]int{s, s, s, s, s, s, s, s} }
	const tc = "ctpat_trade_compliance"
	session := func(s int) [8]int { return [8]int{unauth, s, s, s, s, s, s, s} }
	goodSignUp := func(*cell) (string, any) {
		return "/v1/users", map[string]any{"email": testenv.Email("signup"), "password": matrixPassword, "name": "New Person",
			"securityAnswers": []map[string]string{{"questionId": "q01", "answer": "a"}, {"questionId": "q02", "answer": "b"}, {"questionId": "q03", "answer": "c"}}}
	}
	freshMember := func(*cell) string {
		email := testenv.Email("leaver")
		id := m.user(email, "")
		must(m.t, m.d.Accounts.AddMember(context.Background(), m.account, id, email, accounts.User))
		return id
	}
	rows := []row{
		{"GET /v1/health", fixed("/v1/health", nil), all(ok)},
		{"POST /v1/users", goodSignUp, all(accepted)},
		{"POST /v1/email-verifications", fixed("/v1/email-verifications", map[string]string{"email": "nobody@trade.test"}), all(accepted)},
		{"POST /v1/email-verifications/{token}", fixed("/v1/email-verifications/not-a-token", nil), all(gone)},
		{"GET /v1/security-questions", fixed("/v1/security-questions", nil), all(ok)},
		{"GET /v1/password-policy", fixed("/v1/password-policy", nil), all(ok)},
		{"POST /v1/sessions", func(*cell) (string, any) {
			return "/v1/sessions", map[string]string{"email": m.emails["victim"], "password": matrixPassword}
		}, all(created)},
		{"DELETE /v1/sessions/current", func(c *cell) (string, any) {
			if c.token != "" {
				c.token = m.signIn(m.emails[c.principal])
			}
			return "/v1/sessions/current", nil
		}, session(noContent)},
		{"GET /v1/sessions", fixed("/v1/sessions", nil), session(ok)},
		{"DELETE /v1/sessions/{id}", fixed("/v1/sessions/not-one-of-yours", nil), session(missing)},
		{"GET /v1/me", fixed("/v1/me", nil), session(ok)},
		{"POST /v1/users/{userId}/unlock", fixed("/v1/users/"+m.victim+"/unlock", nil), [8]int{unauth, forbid, forbid, forbid, forbid, forbid, noContent, noContent}},
		{"POST /v1/users/{userId}/suspend", fixed("/v1/users/"+m.victim+"/suspend", nil), [8]int{unauth, forbid, forbid, forbid, forbid, forbid, noContent, noContent}},
		{"POST /v1/users/{userId}/reinstate", fixed("/v1/users/"+m.victim+"/reinstate", nil), [8]int{unauth, forbid, forbid, forbid, forbid, forbid, noContent, noContent}},
		{"GET /v1/users/{userId}/audit", fixed("/v1/users/"+m.victim+"/audit", nil), [8]int{unauth, forbid, forbid, forbid, forbid, forbid, ok, ok}},
		{"POST /v1/staff/invitations", func(*cell) (string, any) {
			return "/v1/staff/invitations", map[string]string{"email": testenv.Email("staff"), "role": "scss"}
		}, [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, created}},
		{"POST /v1/staff-invitations/{token}/sign-up", fixed("/v1/staff-invitations/not-a-token/sign-up", map[string]any{"name": "New Staff", "password": matrixPassword,
			"securityAnswers": []map[string]string{{"questionId": "q01", "answer": "a"}, {"questionId": "q02", "answer": "b"}, {"questionId": "q03", "answer": "c"}}}), all(gone)},
		{"GET /v1/staff", fixed("/v1/staff", nil), [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, ok}},
		{"PUT /v1/staff/{userId}/role", func(*cell) (string, any) {
			return "/v1/staff/" + m.user(testenv.Email("promoted"), identity.SCSS) + "/role", map[string]string{"role": "admin"}
		}, [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, noContent}},
		{"DELETE /v1/staff/{userId}", func(*cell) (string, any) {
			return "/v1/staff/" + m.user(testenv.Email("leaving"), identity.SCSS), nil
		}, [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, noContent}},
		{"GET /v1/users", fixed("/v1/users?email="+m.emails["victim"], nil), [8]int{unauth, forbid, forbid, forbid, forbid, missing, ok, ok}},

		{"POST /v1/password-resets", fixed("/v1/password-resets", map[string]string{"email": "nobody@trade.test"}), all(accepted)},
		{"GET /v1/password-resets/{token}", fixed("/v1/password-resets/not-a-token", nil), all(gone)},
		{"POST /v1/password-resets/{token}", fixed("/v1/password-resets/not-a-token", map[string]any{"newPassword": "Another-Long-Phrase-1",
			"answers": []map[string]string{{"questionId": "q01", "answer": "a"}, {"questionId": "q02", "answer": "b"}, {"questionId": "q03", "answer": "c"}}}), all(gone)},
		{"POST /v1/me/password", fixed("/v1/me/password", map[string]string{"currentPassword": matrixPassword, "newPassword": "short"}), session(policy)},
		{"PUT /v1/me/security-answers", fixed("/v1/me/security-answers", map[string]any{"currentPassword": matrixPassword, "securityAnswers": []any{}}), session(bad)},
		{"GET /reset-password", fixed("/reset-password", nil), all(ok)},
		{"GET /forgot-password", fixed("/forgot-password", nil), all(ok)},

		{"POST /v1/organizations", fixed("/v1/organizations", map[string]string{"name": "New Group"}), [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, created}},
		{"GET /v1/organizations/{orgId}", fixed(org, nil), [8]int{unauth, missing, ok, ok, ok, missing, ok, ok}},
		{"POST /v1/organizations/{orgId}/accounts", func(*cell) (string, any) {
			return org + "/accounts", map[string]any{"name": "Matrix Rail", "entityType": "rail_carrier", "programs": []string{"ctpat_security"}, "ownerEmail": testenv.Email("o")}
		}, [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, created}},
		{"POST /v1/organizations/{orgId}/links", fixed(org+"/links", map[string]string{"fromAccountId": m.account, "toAccountId": m.second, "relationship": "Tier II importer of"}),
			[8]int{unauth, missing, forbid, forbid, created, missing, forbid, created}},
		{"DELETE /v1/organizations/{orgId}/links/{linkId}", func(c *cell) (string, any) {
			_, err := m.d.Accounts.LinkAccounts(context.Background(), accounts.Principal{StaffRole: identity.Admin}, m.org,
				accounts.NewLink{From: m.account, To: m.second, Type: "supplier", Tier: 1})
			must(m.t, err)
			return org + "/links/" + m.account + "." + m.second, nil
		}, [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, noContent}},
		{"POST /v1/organizations/{orgId}/links/{linkId}/decision", func(*cell) (string, any) {
			return org + "/links/" + m.proposedLink() + "/decision", map[string]string{"decision": "reject", "comment": "matrix"}
		}, [8]int{unauth, missing, forbid, forbid, forbid, missing, ok, ok}},
		{"POST /v1/accounts/{accountId}/invitations", func(*cell) (string, any) {
			return acc + "/invitations", map[string]string{"email": testenv.Email("inv"), "role": "user"}
		}, [8]int{unauth, missing, forbid, forbid, created, missing, forbid, forbid}},
		{"POST /v1/invitations/{token}/accept", fixed("/v1/invitations/not-a-token/accept", nil), session(gone)},
		{"POST /v1/invitations/{token}/sign-up", fixed("/v1/invitations/not-a-token/sign-up", map[string]any{"name": "New Person", "password": matrixPassword,
			"securityAnswers": []map[string]string{{"questionId": "q01", "answer": "a"}, {"questionId": "q02", "answer": "b"}, {"questionId": "q03", "answer": "c"}}}), all(gone)},
		{"GET /v1/accounts/{accountId}", fixed(acc, nil), [8]int{unauth, missing, ok, ok, ok, missing, ok, ok}},
		{"POST /v1/accounts/{accountId}/suspend", func(*cell) (string, any) {
			_ = m.d.Accounts.Reinstate(context.Background(), accounts.Principal{StaffRole: identity.Admin}, m.second, "matrix") // active first
			return "/v1/accounts/" + m.second + "/suspend", map[string]string{"reason": "matrix"}
		}, [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, noContent}},
		{"POST /v1/accounts/{accountId}/reinstate", func(*cell) (string, any) {
			_ = m.d.Accounts.Suspend(context.Background(), accounts.Principal{StaffRole: identity.Admin}, m.second, "matrix") // suspended first
			return "/v1/accounts/" + m.second + "/reinstate", map[string]string{"reason": "matrix"}
		}, [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, noContent}},
		{"GET /v1/accounts/{accountId}/users", fixed(acc+"/users", nil), [8]int{unauth, missing, forbid, forbid, ok, missing, ok, ok}},
		{"POST /v1/accounts/{accountId}/users/{userId}/deactivate", func(c *cell) (string, any) {
			return acc + "/users/" + freshMember(c) + "/deactivate", nil
		}, [8]int{unauth, missing, forbid, forbid, noContent, missing, noContent, noContent}},
		{"PUT /v1/accounts/{accountId}/users/{userId}/role", fixed(acc+"/users/"+m.victim+"/role", map[string]string{"role": "user"}),
			[8]int{unauth, missing, forbid, forbid, noContent, missing, forbid, forbid}},
		{"GET /v1/accounts/{accountId}/audit", fixed(acc+"/audit", nil), [8]int{unauth, missing, forbid, forbid, ok, missing, ok, ok}},
		{"POST /v1/accounts/{accountId}/owner-change-requests", func(*cell) (string, any) { return acc + "/owner-change-requests", application() }, session(accepted)},
		{"GET /v1/owner-change-requests", fixed("/v1/owner-change-requests", nil), [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, ok}},
		{"POST /v1/owner-change-requests/{id}/decision", func(*cell) (string, any) {
			req, err := m.d.Accounts.ApplyOwnerChange(context.Background(), accounts.Principal{UserID: m.ids["owner"], Email: m.emails["owner"]}, m.account, accounts.OwnerChangeApplication{})
			must(m.t, err)
			return "/v1/owner-change-requests/" + req.ID + "/decision", map[string]string{"decision": "reject", "comment": "matrix"}
		}, [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, noContent}},
		{"POST /v1/applications", func(*cell) (string, any) { return "/v1/applications", programmeApplication() },
			[8]int{unauth, created, created, created, created, forbid, forbid, forbid}},
		{"GET /v1/applications/mine", fixed("/v1/applications/mine", nil), session(ok)},
		{"GET /v1/applications", fixed("/v1/applications?status=pending", nil), [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, ok}},
		{"GET /v1/applications/{id}", func(*cell) (string, any) { return "/v1/applications/" + m.fileApplication("owner"), nil },
			[8]int{unauth, missing, missing, missing, ok, ok, ok, ok}},
		{"POST /v1/applications/{id}/decision", func(*cell) (string, any) {
			return "/v1/applications/" + m.fileApplication("member") + "/decision", map[string]string{"decision": "reject", "comment": "matrix"}
		}, [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, ok}},
		{"POST /v1/jobs/annual-review-reminders", fixed("/v1/jobs/annual-review-reminders", map[string]string{"asOf": "2026-01-01"}),
			[8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, ok}},
		{"GET /v1/freezes", fixed("/v1/freezes", nil), all(ok)},
		{"POST /v1/freezes", fixed("/v1/freezes", map[string]string{"startsAt": "2099-01-01T00:00:00Z", "endsAt": "2099-01-01T02:00:00Z", "message": "Maintenance"}),
			[8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, created}},
		{"DELETE /v1/freezes/{id}", func(*cell) (string, any) {
			f, err := m.d.Notices.CreateFreeze(context.Background(), "matrix", notice.Freeze{StartsAt: time.Now().Add(48 * time.Hour), EndsAt: time.Now().Add(50 * time.Hour), Message: "x"})
			must(m.t, err)
			return "/v1/freezes/" + f.ID, nil
		}, [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, noContent}},
		{"PATCH /v1/freezes/{id}", func(*cell) (string, any) {
			f, err := m.d.Notices.CreateFreeze(context.Background(), "matrix", notice.Freeze{StartsAt: time.Now().Add(48 * time.Hour), EndsAt: time.Now().Add(50 * time.Hour), Message: "x"})
			must(m.t, err)
			return "/v1/freezes/" + f.ID, map[string]any{"version": 1, "endsAt": time.Now().Add(51 * time.Hour).UTC().Format(time.RFC3339)}
		}, [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, ok}},
		{"POST /v1/jobs/notice-emails", fixed("/v1/jobs/notice-emails", nil), [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, ok}},
		{"GET /v1/announcements", fixed("/v1/announcements", nil), all(ok)},
		{"POST /v1/announcements", fixed("/v1/announcements", map[string]string{"title": "Hello", "body": "News", "severity": "info",
			"startsAt": "2026-01-01T00:00:00Z", "endsAt": "2099-01-01T00:00:00Z"}), [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, created}},
		{"GET /v1/organizations", fixed("/v1/organizations?name=matrix", nil), [8]int{unauth, forbid, forbid, forbid, forbid, ok, ok, ok}},
		{"GET /v1/accounts", fixed("/v1/accounts?name=matrix", nil), [8]int{unauth, forbid, forbid, forbid, forbid, ok, ok, ok}},
		{"PATCH /v1/accounts/{accountId}", fixed("/v1/accounts/"+m.second, map[string]string{"reviewDueDate": "2027-02-28"}),
			[8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, ok}},
		{"PUT /v1/accounts/{accountId}/specialist", fixed("/v1/accounts/"+m.second+"/specialist", map[string]string{"specialistId": m.ids["scss-assigned"]}),
			[8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, ok}},
		{"PATCH /v1/announcements/{id}", func(*cell) (string, any) {
			return "/v1/announcements/" + m.announcement(), map[string]any{"version": 1, "title": "Edited"}
		}, [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, ok}},
		{"DELETE /v1/announcements/{id}", func(*cell) (string, any) { return "/v1/announcements/" + m.announcement(), nil },
			[8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, noContent}},
		{"POST /v1/legacy-sync", fixed("/v1/legacy-sync", map[string]string{"legacyUserId": "CTP-NONE", "legacyPassword": "x"}), all(unauth)},

		{"GET /v1/criteria", fixed("/v1/criteria?entityType=importer", nil), session(ok)},
		{"GET /v1/accounts/{accountId}/profile", fixed(acc+"/profile", nil), [8]int{unauth, missing, ok, ok, ok, missing, ok, ok}},
		{"PUT /v1/accounts/{accountId}/profile/criteria/{criterionId}", func(*cell) (string, any) {
			v, err := m.d.Profiles.Get(context.Background(), accounts.Principal{StaffRole: identity.Admin}, m.account, "ctpat_security")
			must(m.t, err)
			return acc + "/profile/criteria/vision.1", map[string]any{"answer": "yes", "narrative": "matrix", "version": v.Criteria[0].Draft.Version}
		}, [8]int{unauth, missing, ok, ok, ok, missing, forbid, forbid}},
		{"POST /v1/accounts/{accountId}/profile/submit", fixed(acc+"/profile/submit", nil), [8]int{unauth, missing, policy, policy, policy, missing, forbid, forbid}},
		{"POST /v1/accounts/{accountId}/profile/criteria/{criterionId}/review", fixed(acc+"/profile/criteria/vision.1/review", map[string]string{"decision": "approve"}),
			[8]int{unauth, missing, forbid, forbid, forbid, missing, conflict, conflict}},
		{"GET /v1/accounts/{accountId}/profile/criteria/{criterionId}/versions", fixed(acc+"/profile/criteria/vision.1/versions", nil), [8]int{unauth, missing, ok, ok, ok, missing, ok, ok}},
		{"GET /v1/reviews", fixed("/v1/reviews?status=submitted", nil), [8]int{unauth, forbid, forbid, forbid, forbid, ok, ok, ok}},
		{"POST /v1/accounts/{accountId}/profile/criteria/{criterionId}/evidence", fixed(acc+"/profile/criteria/vision.1/evidence",
			map[string]any{"fileName": "policy.pdf", "contentType": "application/pdf", "size": 1000}), [8]int{unauth, missing, created, created, created, missing, forbid, forbid}},
		{"POST /v1/accounts/{accountId}/profile/criteria/{criterionId}/evidence/{evidenceId}/complete", fixed(acc+"/profile/criteria/vision.1/evidence/nope/complete", nil),
			[8]int{unauth, missing, missing, missing, missing, missing, forbid, forbid}},
		{"GET /v1/accounts/{accountId}/profile/criteria/{criterionId}/evidence/{evidenceId}", fixed(acc+"/profile/criteria/vision.1/evidence/nope", nil),
			[8]int{unauth, missing, missing, missing, missing, missing, missing, missing}},
		{"DELETE /v1/accounts/{accountId}/profile/criteria/{criterionId}/evidence/{evidenceId}", fixed(acc+"/profile/criteria/vision.1/evidence/nope", nil),
			[8]int{unauth, missing, missing, missing, missing, missing, forbid, forbid}},

		{"POST /v1/accounts/{accountId}/annual-reviews", fixed(acc+"/annual-reviews", nil), [8]int{unauth, missing, conflict, conflict, conflict, missing, forbid, forbid}},
		{"GET /v1/accounts/{accountId}/documents", fixed(acc+"/documents", nil), [8]int{unauth, missing, ok, ok, ok, missing, ok, ok}},

		// The same routes on the account's Trade Compliance profile (issue 13,
		// item 9): the same principals, the same answers; a programme the
		// account is not in is 404 to all, an unknown one 400 to any session.
		{"GET /v1/criteria", fixed("/v1/criteria?entityType=importer&program="+tc, nil), session(ok)},
		{"GET /v1/accounts/{accountId}/profile", fixed(acc+"/profile?program="+tc, nil), [8]int{unauth, missing, ok, ok, ok, missing, ok, ok}},
		{"GET /v1/accounts/{accountId}/profile", fixed("/v1/accounts/"+m.second+"/profile?program="+tc, nil), [8]int{unauth, missing, missing, missing, missing, missing, missing, missing}},
		{"GET /v1/accounts/{accountId}/profile", fixed(acc+"/profile?program=ctpat_customs", nil), session(bad)},
		{"PUT /v1/accounts/{accountId}/profile/criteria/{criterionId}", func(*cell) (string, any) {
			v, err := m.d.Profiles.Get(context.Background(), accounts.Principal{StaffRole: identity.Admin}, m.account, tc)
			must(m.t, err)
			return acc + "/profile/criteria/" + v.Criteria[0].ID + "?program=" + tc, map[string]any{"answer": "yes", "narrative": "matrix", "version": v.Criteria[0].Draft.Version}
		}, [8]int{unauth, missing, ok, ok, ok, missing, forbid, forbid}},
		{"POST /v1/accounts/{accountId}/profile/submit", fixed(acc+"/profile/submit?program="+tc, nil), [8]int{unauth, missing, policy, policy, policy, missing, forbid, forbid}},
		{"POST /v1/accounts/{accountId}/profile/criteria/{criterionId}/review", fixed(acc+"/profile/criteria/controls.1/review?program="+tc, map[string]string{"decision": "approve"}),
			[8]int{unauth, missing, forbid, forbid, forbid, missing, conflict, conflict}},
		{"GET /v1/accounts/{accountId}/profile/criteria/{criterionId}/versions", fixed(acc+"/profile/criteria/controls.1/versions?program="+tc, nil), [8]int{unauth, missing, ok, ok, ok, missing, ok, ok}},
		{"GET /v1/reviews", fixed("/v1/reviews?status=submitted&program="+tc, nil), [8]int{unauth, forbid, forbid, forbid, forbid, ok, ok, ok}},
		{"POST /v1/accounts/{accountId}/profile/criteria/{criterionId}/evidence", fixed(acc+"/profile/criteria/controls.1/evidence?program="+tc,
			map[string]any{"fileName": "controls.pdf", "contentType": "application/pdf", "size": 1000}), [8]int{unauth, missing, created, created, created, missing, forbid, forbid}},
		{"POST /v1/accounts/{accountId}/profile/criteria/{criterionId}/evidence/{evidenceId}/complete", fixed(acc+"/profile/criteria/controls.1/evidence/nope/complete?program="+tc, nil),
			[8]int{unauth, missing, missing, missing, missing, missing, forbid, forbid}},
		{"GET /v1/accounts/{accountId}/profile/criteria/{criterionId}/evidence/{evidenceId}", fixed(acc+"/profile/criteria/controls.1/evidence/nope?program="+tc, nil),
			[8]int{unauth, missing, missing, missing, missing, missing, missing, missing}},
		{"DELETE /v1/accounts/{accountId}/profile/criteria/{criterionId}/evidence/{evidenceId}", fixed(acc+"/profile/criteria/controls.1/evidence/nope?program="+tc, nil),
			[8]int{unauth, missing, missing, missing, missing, missing, forbid, forbid}},
		{"POST /v1/accounts/{accountId}/annual-reviews", fixed(acc+"/annual-reviews?program="+tc, nil), [8]int{unauth, missing, conflict, conflict, conflict, missing, forbid, forbid}},
		{"GET /v1/accounts/{accountId}/documents", fixed(acc+"/documents?program="+tc, nil), [8]int{unauth, missing, ok, ok, ok, missing, ok, ok}},
		{"GET /v1/library", fixed("/v1/library?category=guidance", nil), all(ok)},
		{"GET /v1/library/{docId}", fixed("/v1/library/"+m.libraryDocument(true), nil), all(ok)},
		{"POST /v1/library", fixed("/v1/library", map[string]any{"title": "Guide", "category": "guidance", "fileName": "guide.pdf", "size": 100}),
			[8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, created}},
		{"POST /v1/library/{docId}/complete", fixed("/v1/library/nope/complete", nil), [8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, missing}},
		{"DELETE /v1/library/{docId}", func(*cell) (string, any) { return "/v1/library/" + m.libraryDocument(false), nil },
			[8]int{unauth, forbid, forbid, forbid, forbid, forbid, forbid, noContent}},

		{"GET /sign-in", fixed("/sign-in", nil), all(ok)},
		{"GET /sign-up", fixed("/sign-up", nil), all(ok)},
		{"GET /verify-email", fixed("/verify-email", nil), all(ok)},
		{"GET /accept-invitation", fixed("/accept-invitation", nil), all(ok)},
		{"GET /assets/{file}", fixed("/assets/portal.css", nil), all(ok)},
	}

	tpl, err := testenv.Template()
	must(t, err)
	fns, err := tpl.Functions()
	must(t, err)
	var routes []string
	for _, f := range fns {
		routes = append(routes, f.Routes...)
	}
	sort.Strings(routes)
	covered := map[string]bool{}
	for _, r := range rows {
		if !slices.Contains(routes, r.route) {
			t.Errorf("row %q is not a route of template.yaml", r.route)
		}
		covered[r.route] = true
	}
	for _, route := range routes {
		if !covered[route] {
			t.Errorf("route %q has no row in the role x route matrix: say who may use it", route)
		}
	}

	// Every request below is watched: no route may Scan the table.
	calls := testenv.CountCalls(m.d)
	var table strings.Builder
	for _, r := range rows {
		method, _, _ := strings.Cut(r.route, " ")
		fmt.Fprintf(&table, "%-58s", r.route)
		for i, p := range principals {
			c := &cell{m: m, principal: p, token: m.tokens[p]}
			path, body := r.req(c)
			got := testenv.Call(t, m.base, method, path, c.token, body)
			fmt.Fprintf(&table, " %3d", got.Status)
			if got.Status != r.want[i] {
				t.Errorf("%s as %s = %d %s; want %d", r.route, p, got.Status, got.Body, r.want[i])
			}
		}
		table.WriteString("\n")
	}
	t.Logf("statuses (%s):\n%s", strings.Join(principals, ", "), table.String())
	ops := calls.Ops()
	if len(ops) < len(rows) {
		t.Fatalf("only %d DynamoDB calls recorded; the counter is not wired", len(ops))
	}
	if slices.Contains(ops, "Scan") {
		t.Errorf("a route called Scan; every read must be GetItem, BatchGetItem or Query")
	}
}
