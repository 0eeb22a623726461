package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var linkPattern = regexp.MustCompile(`https?://[^\s"<>]+/accept-invitation\?kind=staff&token=[A-Za-z0-9_%-]+`)

// bootstrap runs the command with args and returns its exit status,
// stdout and stderr.
func bootstrap(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func tokenOf(t *testing.T, text string) string {
	t.Helper()
	u, err := url.Parse(linkPattern.FindString(text))
	if err != nil || u.Query().Get("token") == "" {
		t.Fatalf("no staff invitation link in %q", text)
	}
	return u.Query().Get("token")
}

func signUpBody(name string) map[string]any {
	return map[string]any{"name": name, "password": "Granite-Beacon-Orchard-77", "securityAnswers": []map[string]string{
		{"questionId": "q01", "answer": "a"}, {"questionId": "q02", "answer": "b"}, {"questionId": "q03", "answer": "c"}}}
}

// TestBootstrapAdmin runs the command against an empty table with the auth
// function's environment: it mails a one-time link; a second run before
// the link is used replaces it; following the link makes the first admin,
// who signs in as admin; then the command refuses, and writes nothing.
func TestBootstrapAdmin(t *testing.T) {
	cfg := testenv.Config(t)
	for k, v := range map[string]string{"TABLE_NAME": cfg.TableName, "MAIL_FROM": cfg.MailFrom, "PORTAL_URL": cfg.PortalURL, "LOG_LEVEL": "warn"} {
		t.Setenv(k, v)
	}
	d := testenv.DepsWith(t, cfg)
	srv := httptest.NewServer(portal.Handler(d, portal.AllRoutes(d)))
	t.Cleanup(srv.Close)

	if code, _, stderr := bootstrap(t); code != 2 || !strings.Contains(stderr, "-email") {
		t.Errorf("without -email = %d %q; want 2 and the flag named", code, stderr)
	}
	first := testenv.Email("first-admin")
	code, stdout, stderr := bootstrap(t, "-email", first)
	if code != 0 || !strings.Contains(stdout, "Invitation mailed to "+first) || strings.Contains(stdout, "token=") {
		t.Fatalf("first run = %d %q %q; want 0, mailed, no link printed", code, stdout, stderr)
	}
	mails := testenv.WaitMails(t, first, 1)
	if len(mails) != 1 || !strings.HasPrefix(linkPattern.FindString(mails[0].Body.Text), cfg.PortalURL+"/accept-invitation?kind=staff&token=") {
		t.Fatalf("mails to the first admin = %+v; want one with a link to the invitation page", mails)
	}
	mailed := tokenOf(t, mails[0].Body.Text)

	// Again before the link is used: a new link, printed this time; the
	// mailed one stops working.
	code, stdout, _ = bootstrap(t, "-email", first, "-print-link")
	if code != 0 {
		t.Fatalf("second run before sign-up = %d %q", code, stdout)
	}
	printed := tokenOf(t, stdout)
	if r := testenv.Call(t, srv.URL, "POST", "/v1/staff-invitations/"+mailed+"/sign-up", "", signUpBody("Ada First")); r.Status != 410 {
		t.Errorf("the replaced link = %d %s; want 410", r.Status, r.Body)
	}
	r := testenv.Call(t, srv.URL, "POST", "/v1/staff-invitations/"+printed+"/sign-up", "", signUpBody("Ada First"))
	if r.Status != 201 || r.JSON()["user"].(map[string]any)["staffRole"] != "admin" {
		t.Fatalf("sign-up from the bootstrap link = %d %s; want 201 as admin", r.Status, r.Body)
	}
	tok := testenv.SignIn(t, srv.URL, first, "Granite-Beacon-Orchard-77")
	if me := testenv.Call(t, srv.URL, "GET", "/v1/me", tok, nil).JSON(); me["user"].(map[string]any)["staffRole"] != "admin" {
		t.Errorf("/v1/me of the first admin = %v", me)
	}

	before := items(t, d)
	second := testenv.Email("second-admin")
	code, stdout, stderr = bootstrap(t, "-email", second, "-print-link")
	if code != 1 || !strings.Contains(stderr, "refused: the portal has an admin already") || stdout != "" {
		t.Errorf("run with an admin = %d %q %q; want 1, refused", code, stdout, stderr)
	}
	if after := items(t, d); after != before {
		t.Errorf("a refused run changed the table: %d items before, %d after", before, after)
	}
	if n, err := (identity.Staff{Store: d.Store}).Admins(context.Background()); err != nil || n != 1 {
		t.Errorf("admins counter = %d, %v; want 1", n, err)
	}
}

// TestBootstrapLinksRace: two bootstrap links for two addresses, followed
// at the same moment, make one admin: the sign-up holds only while there is
// none.
func TestBootstrapLinksRace(t *testing.T) {
	cfg := testenv.Config(t)
	for k, v := range map[string]string{"TABLE_NAME": cfg.TableName, "MAIL_FROM": cfg.MailFrom, "PORTAL_URL": cfg.PortalURL, "LOG_LEVEL": "warn"} {
		t.Setenv(k, v)
	}
	d := testenv.DepsWith(t, cfg)
	srv := httptest.NewServer(portal.Handler(d, portal.AllRoutes(d)))
	t.Cleanup(srv.Close)
	var tokens []string
	for range 2 {
		code, stdout, stderr := bootstrap(t, "-email", testenv.Email("racer"), "-print-link")
		if code != 0 {
			t.Fatalf("bootstrap = %d %q %q", code, stdout, stderr)
		}
		tokens = append(tokens, tokenOf(t, stdout))
	}
	statuses := make([]int, len(tokens))
	var wg sync.WaitGroup
	for i, tok := range tokens {
		wg.Go(func() {
			statuses[i] = testenv.Call(t, srv.URL, "POST", "/v1/staff-invitations/"+tok+"/sign-up", "", signUpBody("Racing Admin")).Status
		})
	}
	wg.Wait()
	created := 0
	for _, s := range statuses {
		if s == 201 {
			created++
		} else if s != 410 {
			t.Errorf("a racing bootstrap sign-up = %d; want 201 or 410", s)
		}
	}
	n, err := (identity.Staff{Store: d.Store}).Admins(context.Background())
	if created != 1 || err != nil || n != 1 {
		t.Errorf("racing bootstrap sign-ups made %d admins (counter %d, %v); want exactly 1", created, n, err)
	}
}

// items counts what the table holds (tests may Scan; the portal may not).
func items(t *testing.T, d *portal.Deps) int32 {
	t.Helper()
	out, err := d.Store.DB.Scan(context.Background(), &dynamodb.ScanInput{
		TableName: aws.String(d.Store.Table), Select: "COUNT", ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Count
}
