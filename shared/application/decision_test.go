package application_test

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"github.com/partner-portal/portal/shared/identity"
)

// TestApprovalJoinsOrganization: a decision naming an organisation that
// does not exist and a specialist who is not one is one 400 naming both,
// and nothing changes; then the approval joins an existing organisation,
// and the specialist named sees the new account.
func TestApprovalJoinsOrganization(t *testing.T) {
	e := newEnv(t)
	_, partnerID, tok := e.partner("joiner")
	_, admin := e.staff("admin", identity.Admin)
	scssID, scss := e.staff("scss", identity.SCSS)
	id := e.must(e.call("POST", "/v1/applications", tok, goodApplication(randomEIN())), 201).JSON()["id"].(string)

	for _, c := range []struct {
		body   map[string]string
		fields string
	}{
		{map[string]string{"decision": "approve", "organizationId": "no-such-org", "specialistId": partnerID}, "organizationId,specialistId"},
		{map[string]string{"decision": "approve", "specialistId": "no-such-user"}, "specialistId"},
		{map[string]string{"decision": "maybe"}, "decision"},
		{map[string]string{"decision": "reject", "comment": "no", "specialistId": scssID}, "specialistId"},
		{map[string]string{"decision": "approve", "organizationId": "../x"}, "organizationId"},
		{map[string]string{"decision": "approve", "comment": strings.Repeat("c", 2001)}, "comment"},
	} {
		r := e.call("POST", "/v1/applications/"+id+"/decision", admin, c.body)
		if got := strings.Join(errorFields(t, r), ","); r.Status != 400 || got != c.fields {
			t.Errorf("decision %v = %d %s; want 400 naming %s", c.body, r.Status, r.Body, c.fields)
		}
	}
	if got := e.must(e.call("GET", "/v1/applications/"+id, admin, nil), 200).JSON(); got["status"] != "pending" {
		t.Fatalf("after refused decisions = %v; want still pending", got)
	}
	if me := e.must(e.call("GET", "/v1/me", tok, nil), 200).JSON(); len(me["memberships"].([]any)) != 0 {
		t.Fatalf("a refused decision opened an account: %v", me["memberships"])
	}
	if r := e.call("POST", "/v1/applications/not-an-id/decision", admin, map[string]string{"decision": "approve"}); r.Status != 404 {
		t.Errorf("deciding an unknown application = %d; want 404", r.Status)
	}

	orgID := e.must(e.call("POST", "/v1/organizations", admin, map[string]string{"name": "Harbor Group"}), 201).JSON()["id"].(string)
	decided := e.must(e.call("POST", "/v1/applications/"+id+"/decision", admin,
		map[string]string{"decision": "approve", "organizationId": orgID, "specialistId": scssID}), 200).JSON()
	if decided["organizationId"] != orgID {
		t.Fatalf("decision = %v; want the account in %s", decided, orgID)
	}
	accountID := decided["accountId"].(string)
	org := e.must(e.call("GET", "/v1/organizations/"+orgID, tok, nil), 200).JSON()
	if org["name"] != "Harbor Group" || len(org["accounts"].([]any)) != 1 {
		t.Errorf("organisation = %v", org)
	}
	me := e.must(e.call("GET", "/v1/me", tok, nil), 200).JSON()
	if m := me["memberships"].([]any)[0].(map[string]any); m["organizationName"] != "Harbor Group" || m["accountId"] != accountID {
		t.Errorf("membership = %v", m)
	}
	e.must(e.call("GET", "/v1/accounts/"+accountID+"/users", scss, nil), 200)
}

// TestListApplications: admins page through the applications of a status
// with limit and cursor; a cursor from another list, a made-up one, a bad
// status or limit is 400; decided ones are listed under their status.
func TestListApplications(t *testing.T) {
	e := newEnv(t)
	_, _, tok := e.partner("lister")
	_, admin := e.staff("admin", identity.Admin)
	var ids []string
	for range 3 {
		ids = append(ids, e.must(e.call("POST", "/v1/applications", tok, goodApplication(randomEIN())), 201).JSON()["id"].(string))
	}
	first := e.must(e.call("GET", "/v1/applications?status=pending&limit=2", admin, nil), 200).JSON()
	cursor, _ := first["nextCursor"].(string)
	page := first["applications"].([]any)
	if len(page) != 2 || cursor == "" || page[0].(map[string]any)["id"] != ids[0] || page[1].(map[string]any)["id"] != ids[1] {
		t.Fatalf("first page = %v; want the two oldest and a cursor", first)
	}
	second := e.must(e.call("GET", "/v1/applications?status=pending&limit=2&cursor="+url.QueryEscape(cursor), admin, nil), 200).JSON()
	if page := second["applications"].([]any); len(page) != 1 || page[0].(map[string]any)["id"] != ids[2] || second["nextCursor"] != nil {
		t.Errorf("second page = %v; want the third and no cursor", second)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(cursor)
	forged := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), "APPLICATIONS#pending", "APPLICATIONS#approved", 1)))
	for _, q := range []string{"status=approved&cursor=" + cursor, "cursor=" + forged, "cursor=bm90IGpzb24", "status=open", "limit=0", "limit=201"} {
		if r := e.call("GET", "/v1/applications?"+q, admin, nil); r.Status != 400 {
			t.Errorf("GET /v1/applications?%s = %d %s; want 400", q, r.Status, r.Body)
		}
	}
	e.must(e.call("POST", "/v1/applications/"+ids[1]+"/decision", admin, map[string]string{"decision": "reject", "comment": "Incomplete."}), 200)
	e.must(e.call("POST", "/v1/applications/"+ids[0]+"/decision", admin, map[string]string{"decision": "approve"}), 200)
	for status, want := range map[string][]string{"pending": {ids[2]}, "rejected": {ids[1]}, "approved": {ids[0]}} {
		list := e.must(e.call("GET", "/v1/applications?status="+status, admin, nil), 200).JSON()["applications"].([]any)
		var got []string
		for _, a := range list {
			got = append(got, a.(map[string]any)["id"].(string))
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s = %v; want %v", status, got, want)
		}
	}
	mine := e.must(e.call("GET", "/v1/applications/mine", tok, nil), 200).JSON()["applications"].([]any)
	if len(mine) != 3 || mine[0].(map[string]any)["id"] != ids[2] || mine[2].(map[string]any)["status"] != "approved" {
		t.Errorf("mine = %v; want all three, newest first", mine)
	}
}
