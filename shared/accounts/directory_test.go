package accounts_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
)

// names lists the "name" of each entry of a directory page's list.
func names(page map[string]any, list string) []string {
	var out []string
	entries, _ := page[list].([]any)
	for _, x := range entries {
		out = append(out, x.(map[string]any)["name"].(string))
	}
	return out
}

// TestDirectoryByNameAndID: staff find organisations and accounts by a
// name prefix — case, accents and spacing aside — and by id, a page at a
// time; a specialist finds only what they see; partners may not look.
func TestDirectoryByNameAndID(t *testing.T) {
	e := newEnv(t)
	w := e.world(true) // "Acme Imports Group" / "Acme Imports", assigned to w.scss
	sgID := e.must(e.call("POST", "/v1/organizations", w.admin, map[string]string{"name": "Société  Générale Transports"}), 201).JSON()["id"].(string)
	e.must(e.call("POST", "/v1/organizations/"+sgID+"/accounts", w.admin, map[string]any{"name": "Ünïcode Freight Lines",
		"entityType": "highway_carrier", "programs": []string{"ctpat_security"}, "ownerEmail": testenv.Email("pool")}), 201)
	for _, n := range []string{"Paging Co 1", "Paging Co 2", "Paging Co 3"} {
		e.must(e.call("POST", "/v1/organizations", w.admin, map[string]string{"name": n}), 201)
	}
	find := func(list, token, query string) map[string]any {
		t.Helper()
		return e.must(e.call("GET", "/v1/"+list+"?"+query, token, nil), 200).JSON()
	}
	q := func(name string) string { return "name=" + url.QueryEscape(name) }

	if got := names(find("organizations", w.admin, q("  SOCIETE   g")), "organizations"); !slices.Equal(got, []string{"Société Générale Transports"}) {
		t.Errorf("organisations named like \"  SOCIETE   g\" = %v", got)
	}
	if got := names(find("accounts", w.admin, q("unicode fr")), "accounts"); !slices.Equal(got, []string{"Ünïcode Freight Lines"}) {
		t.Errorf("accounts named like \"unicode fr\" = %v", got)
	}
	first := find("organizations", w.admin, q("paging")+"&limit=2")
	cursor, _ := first["nextCursor"].(string)
	second := find("organizations", w.admin, q("paging")+"&limit=2&cursor="+cursor)
	if got := append(names(first, "organizations"), names(second, "organizations")...); cursor == "" || second["nextCursor"] != nil ||
		!slices.Equal(got, []string{"Paging Co 1", "Paging Co 2", "Paging Co 3"}) {
		t.Errorf("two pages of \"paging\" = %v (cursor %q, then %v)", got, cursor, second["nextCursor"])
	}
	if got := names(find("organizations", w.admin, "id="+w.orgID), "organizations"); !slices.Equal(got, []string{"Acme Imports Group"}) {
		t.Errorf("organisation by id = %v", got)
	}
	if got := find("accounts", w.admin, "id="+w.accountID)["accounts"].([]any); len(got) != 1 ||
		got[0].(map[string]any)["organizationName"] != "Acme Imports Group" || got[0].(map[string]any)["specialistId"] != w.scssID {
		t.Errorf("account by id = %v", got)
	}
	if got := find("accounts", w.admin, "id=nope")["accounts"].([]any); len(got) != 0 {
		t.Errorf("an unknown id = %v; want no accounts", got)
	}

	// A specialist finds their own accounts and the pool, not another's.
	if got := names(find("accounts", w.scss, q("acme")), "accounts"); !slices.Equal(got, []string{"Acme Imports"}) {
		t.Errorf("the assigned specialist finds %v", got)
	}
	if got := names(find("accounts", w.otherSCSS, ""), "accounts"); !slices.Equal(got, []string{"Ünïcode Freight Lines"}) {
		t.Errorf("another specialist finds %v; want only the pool's account", got)
	}
	if got := names(find("organizations", w.otherSCSS, q("acme")), "organizations"); len(got) != 0 {
		t.Errorf("another specialist finds organisations %v; want none", got)
	}
	if got := find("accounts", w.otherSCSS, "id="+w.accountID)["accounts"].([]any); len(got) != 0 {
		t.Errorf("another specialist finds by id %v; want none", got)
	}

	for _, c := range []struct{ path, token string }{{"/v1/accounts", w.owner}, {"/v1/organizations", w.user}, {"/v1/accounts", ""}} {
		if r := e.call("GET", c.path+"?name=acme", c.token, nil); r.Status != 403 && r.Status != 401 || c.token == "" && r.Status != 401 {
			t.Errorf("GET %s as a partner or nobody = %d; want 403 (401 without a session)", c.path, r.Status)
		}
	}
	bad := e.call("GET", "/v1/accounts?name="+url.QueryEscape("Acme \u202eX")+"&id="+url.QueryEscape("a b")+"&limit=0", w.admin, nil)
	if bad.Status != 400 || !slices.Equal(fields(t, bad), []string{"name", "id", "id", "limit"}) {
		t.Errorf("bad search = %d %s; want 400 naming name, id (twice) and limit", bad.Status, bad.Body)
	}
	if r := e.call("GET", "/v1/organizations?cursor=eyJuYW1lUEsiOiJOQU1FUyNBQ0NPVU5UIn0", w.admin, nil); r.Status != 400 || r.Code() != "invalid_cursor" {
		t.Errorf("another list's cursor = %d %s; want 400 invalid_cursor", r.Status, r.Body)
	}
}

// TestFindUserByEmail: staff look a user up by email — who they are,
// whether they can sign in, their memberships, whether mail reaches them —
// and see no secret; a specialist only the users of accounts they see.
func TestFindUserByEmail(t *testing.T) {
	e := newEnv(t)
	w := e.world(true)
	r := e.must(e.call("GET", "/v1/users?email="+url.QueryEscape(" "+strings.ToUpper(w.ownerEmail)), w.admin, nil), 200)
	rec := r.JSON()
	user, _ := rec["user"].(map[string]any)
	ms, _ := rec["memberships"].([]any)
	if user["id"] != w.ownerID || user["status"] != "active" || user["locked"] != false || rec["emailConfirmed"] != true ||
		rec["emailDeliveryStatus"] != "ok" || len(ms) != 1 || ms[0].(map[string]any)["accountId"] != w.accountID || ms[0].(map[string]any)["role"] != "owner" {
		t.Errorf("user record = %s", r.Body)
	}
	for _, secret := range []string{"argon2", "passwordHash", "securityAnswers", "resetTokenHash", "verifyTokenHash"} {
		if strings.Contains(string(r.Body), secret) {
			t.Errorf("the user record shows %s: %s", secret, r.Body)
		}
	}
	e.must(e.call("GET", "/v1/users?email="+url.QueryEscape(w.userEmail), w.scss, nil), 200)
	adminEmail, _ := testenv.Person(t, e.d, "another-admin", identity.Admin)
	for _, c := range []struct {
		token, email string
		status       int
		code         string
	}{
		{w.otherSCSS, w.userEmail, 404, "user_not_found"}, // not an account they see
		{w.scss, adminEmail, 404, "user_not_found"},       // staff
		{w.admin, testenv.Email("nobody"), 404, "user_not_found"},
		{w.admin, "not-an-address", 400, "invalid_email"},
		{w.owner, w.userEmail, 403, "forbidden"},
		{"", w.userEmail, 401, "unauthenticated"},
	} {
		if r := e.call("GET", "/v1/users?email="+url.QueryEscape(c.email), c.token, nil); r.Status != c.status || r.Code() != c.code {
			t.Errorf("look up %s = %d %s; want %d %s", c.email, r.Status, r.Body, c.status, c.code)
		}
	}
}
