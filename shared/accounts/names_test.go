package accounts_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
)

// hiddenNames hold characters that make an email show something other than
// what it says: a right-to-left override turning "exe.pdf" round, an
// isolate, a zero-width space, a line separator, a byte-order mark.
var hiddenNames = map[string]string{
	"right-to-left override": "Acme \u202eFDP.exe",
	"first-strong isolate":   "Acme \u2068Imports\u2069",
	"zero-width space":       "Ac\u200bme Imports",
	"line separator":         "Acme\u2028Imports",
	"byte-order mark":        "\ufeffAcme Imports",
}

// items counts what the test's table holds (tests may Scan; the portal may
// not).
func (e *env) items() int32 {
	e.t.Helper()
	out, err := e.d.Store.DB.Scan(context.Background(), &dynamodb.ScanInput{
		TableName: aws.String(e.d.Store.Table), Select: "COUNT", ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Count
}

// fields returns the fields a 400 names in its details.
func fields(t *testing.T, r testenv.Response) []string {
	t.Helper()
	var body struct {
		Error struct {
			Details []struct {
				Field string `json:"field"`
			} `json:"details"`
		} `json:"error"`
	}
	if err := jsonUnmarshal(r.Body, &body); err != nil {
		t.Fatalf("error body %s: %v", r.Body, err)
	}
	var out []string
	for _, d := range body.Error.Details {
		out = append(out, d.Field)
	}
	return out
}

// TestNamesRefuseHiddenCharacters: an organisation, account or AO-change
// name with a direction-changing or invisible character is a 400 naming the
// field, and nothing is stored or mailed.
func TestNamesRefuseHiddenCharacters(t *testing.T) {
	e := newEnv(t)
	_, _, admin := e.person("admin", identity.Admin)
	_, _, partner := e.person("partner", "")
	org := e.must(e.call("POST", "/v1/organizations", admin, map[string]string{"name": "Acme Imports Group"}), 201).JSON()["id"].(string)
	account := e.must(e.call("POST", "/v1/organizations/"+org+"/accounts", admin, map[string]any{"name": "Acme Imports",
		"entityType": "importer", "programs": []string{"ctpat_security"}, "ownerEmail": testenv.Email("owner")}), 201).JSON()["id"].(string)
	before := e.items()
	for what, name := range hiddenNames {
		t.Run(what, func(t *testing.T) {
			r := e.call("POST", "/v1/organizations", admin, map[string]string{"name": name})
			if r.Status != 400 || r.Code() != "invalid_name" || !slices.Equal(fields(t, r), []string{"name"}) {
				t.Errorf("organisation %q = %d %s; want 400 invalid_name naming name", name, r.Status, r.Body)
			}
			owner := testenv.Email("owner")
			r = e.call("POST", "/v1/organizations/"+org+"/accounts", admin, map[string]any{"name": name,
				"entityType": "importer", "programs": []string{"ctpat_security"}, "ownerEmail": owner})
			if r.Status != 400 || r.Code() != "invalid_name" || !slices.Equal(fields(t, r), []string{"name"}) {
				t.Errorf("account %q = %d %s; want 400 invalid_name naming name", name, r.Status, r.Body)
			}
			app := goodApplication()
			app["companyName"] = name
			app["newOwner"].(map[string]string)["lastName"] = name
			r = e.call("POST", "/v1/accounts/"+account+"/owner-change-requests", partner, app)
			if r.Status != 400 || !slices.Equal(fields(t, r), []string{"companyName", "newOwner.lastName"}) {
				t.Errorf("AO change with %q = %d %s; want 400 naming companyName and newOwner.lastName", name, r.Status, r.Body)
			}
			time.Sleep(100 * time.Millisecond)
			if got := testenv.MailsTo(t, owner); len(got) != 0 {
				t.Errorf("the refused account's owner-to-be got %d mails", len(got))
			}
		})
	}
	if after := e.items(); after != before {
		t.Errorf("the table held %d items before the refused requests and %d after; want nothing stored", before, after)
	}
}
