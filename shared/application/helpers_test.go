package application_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal"
	"github.com/partner-portal/portal/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

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

var verifyLink = regexp.MustCompile(`/verify-email\?token=([A-Za-z0-9_%-]+)`)

// partner signs a trade partner up as a person does — POST /v1/users, the
// verification mail from the local SES, its link — signs them in and
// returns the email, user id and session token.
func (e *env) partner(prefix string) (email, id, token string) {
	e.t.Helper()
	email = testenv.Email(prefix)
	e.must(e.call("POST", "/v1/users", "", map[string]any{"email": email, "password": testenv.Password, "name": "Pat " + prefix,
		"securityAnswers": []map[string]string{{"questionId": "q01", "answer": "a"}, {"questionId": "q02", "answer": "b"}, {"questionId": "q03", "answer": "c"}}}), 202)
	mails := testenv.WaitMails(e.t, email, 1)
	if len(mails) != 1 {
		e.t.Fatalf("%d mails to %s after sign-up; want the verification mail", len(mails), email)
	}
	m := verifyLink.FindStringSubmatch(mails[0].Body.Text)
	if m == nil || !strings.Contains(mails[0].Body.Text, e.url+"/verify-email?token=") {
		e.t.Fatalf("verification mail without a link to %s/verify-email: %s", e.url, mails[0].Body.Text)
	}
	tok, err := url.QueryUnescape(m[1])
	if err != nil {
		e.t.Fatal(err)
	}
	e.must(e.call("POST", "/v1/email-verifications/"+url.PathEscape(tok), "", nil), 204)
	token = testenv.SignIn(e.t, e.url, email, testenv.Password)
	me := e.must(e.call("GET", "/v1/me", token, nil), 200).JSON()
	return email, me["user"].(map[string]any)["id"].(string), token
}

// staff makes a staff user and signs them in.
func (e *env) staff(prefix string, role identity.StaffRole) (id, token string) {
	e.t.Helper()
	email, id := testenv.Person(e.t, e.d, prefix, role)
	return id, testenv.SignIn(e.t, e.url, email, testenv.Password)
}

// randomEIN is an EIN no other test uses.
func randomEIN() string { return fmt.Sprintf("%02d-%07d", 10+rand.IntN(89), rand.IntN(10_000_000)) }

// goodApplication is a valid application body for the EIN.
func goodApplication(ein string) map[string]any {
	return map[string]any{
		"programs": []string{"ctpat_security"},
		"company": map[string]any{
			"legalName": "Harbor Lights Imports LLC", "ein": ein, "entityType": "importer",
			"address": map[string]string{"street1": "1200 Harbor Blvd", "street2": "Suite 400", "city": "Long Beach", "state": "CA",
				"postalCode": "90802", "country": "us"},
			"phone": "+1 (562) 555-0143", "phoneExtension": "12",
		},
		"contact":     map[string]string{"name": "Casey Contact", "email": "Casey.Contact@Harbor.example", "phone": "+1 562 555 0144", "title": "Trade compliance lead"},
		"attestation": true,
	}
}

// errorFields are the fields a 400 names, in order.
func errorFields(t *testing.T, r testenv.Response) []string {
	t.Helper()
	var body struct {
		Error struct {
			Details []fault.Detail `json:"details"`
		} `json:"error"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("error body %s: %v", r.Body, err)
	}
	var out []string
	for _, d := range body.Error.Details {
		out = append(out, d.Field)
	}
	return out
}

// items reads every item of a partition, strongly consistent (tests may
// read any item to check what was stored).
func (e *env) items(pk string) []map[string]any {
	e.t.Helper()
	raw, err := e.d.Store.QueryItemsConsistent(context.Background(), store.KeyOnly(store.AttrPK, pk))
	if err != nil {
		e.t.Fatal(err)
	}
	out := make([]map[string]any, 0, len(raw))
	for _, it := range raw {
		var m map[string]any
		if err := attributevalue.UnmarshalMap(it, &m); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}
