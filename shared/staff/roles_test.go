package staff_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
)

// TestStaffRoleChangeAndRemoval: an admin makes a specialist an admin and
// back, then removes them; each change ends that person's sessions at once
// (the old token is refused), shows in their next sign-in and in the staff
// list, and is audited with the role before and after. An admin never
// changes themselves; partners and unknown ids are not staff.
func TestStaffRoleChangeAndRemoval(t *testing.T) {
	e := newEnv(t)
	_, adminID, admin := e.person("admin", identity.Admin)
	samEmail, samID, sam := e.person("sam", identity.SCSS)
	_, partnerID, _ := e.person("partner", "")

	bad := e.call("PUT", "/v1/staff/"+samID+"/role", admin, map[string]string{"role": "owner"})
	if bad.Status != 400 || bad.Code() != "invalid_role" {
		t.Errorf("bad role = %d %s; want 400 invalid_role", bad.Status, bad.Body)
	}
	e.must(e.call("GET", "/v1/me", sam, nil), 200) // a bad request ends nothing
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"PUT", "/v1/staff/" + adminID + "/role", 403},
		{"DELETE", "/v1/staff/" + adminID, 403},
		{"PUT", "/v1/staff/" + partnerID + "/role", 404},
		{"DELETE", "/v1/staff/" + partnerID, 404},
		{"PUT", "/v1/staff/nobody/role", 404},
	} {
		if r := e.call(c.method, c.path, admin, map[string]string{"role": "scss"}); r.Status != c.status {
			t.Errorf("%s %s = %d %s; want %d", c.method, c.path, r.Status, r.Body, c.status)
		}
	}
	e.must(e.call("PUT", "/v1/staff/"+samID+"/role", sam, map[string]string{"role": "admin"}), 403)

	e.must(e.call("PUT", "/v1/staff/"+samID+"/role", admin, map[string]string{"role": "admin"}), 204)
	if r := e.call("GET", "/v1/me", sam, nil); r.Status != 401 {
		t.Errorf("the promoted specialist's old session = %d; want 401", r.Status)
	}
	sam = testenv.SignIn(t, e.url, samEmail, testenv.Password)
	e.must(e.call("GET", "/v1/staff", sam, nil), 200) // an admin's route now
	if n, _ := (identity.Staff{Store: e.d.Store}).Admins(context.Background()); n != 2 {
		t.Errorf("admins counter = %d; want 2", n)
	}
	changed := e.find(e.events(samID, admin), "staff_role_changed")
	if d, _ := changed["details"].(map[string]any); d["before.staffRole"] != "scss" || d["after.staffRole"] != "admin" || changed["actorId"] != adminID {
		t.Errorf("staff_role_changed event = %v", changed)
	}
	e.must(e.call("PUT", "/v1/staff/"+samID+"/role", admin, map[string]string{"role": "scss"}), 204)
	if r := e.call("GET", "/v1/staff", sam, nil); r.Status != 401 {
		t.Errorf("the demoted admin's session = %d; want 401", r.Status)
	}
	sam = testenv.SignIn(t, e.url, samEmail, testenv.Password)
	e.must(e.call("GET", "/v1/staff", sam, nil), 403)

	e.must(e.call("DELETE", "/v1/staff/"+samID, admin, nil), 204)
	if r := e.call("GET", "/v1/me", sam, nil); r.Status != 401 {
		t.Errorf("a removed specialist's session = %d; want 401", r.Status)
	}
	if r := e.call("POST", "/v1/sessions", "", map[string]string{"email": samEmail, "password": testenv.Password}); r.Status != 401 {
		t.Errorf("a removed specialist signing in = %d; want 401", r.Status)
	}
	removed := e.find(e.events(samID, admin), "staff_removed")
	if d, _ := removed["details"].(map[string]any); d["before.staffRole"] != "scss" || d["after.status"] != "deactivated" {
		t.Errorf("staff_removed event = %v", removed)
	}
	for _, s := range e.staff(admin) {
		if s["id"] == samID {
			t.Errorf("the removed specialist is still listed: %v", s)
		}
	}
	if n, _ := (identity.Staff{Store: e.d.Store}).Admins(context.Background()); n != 1 {
		t.Errorf("admins counter = %d; want 1", n)
	}
}

// staff reads every page of the staff list, two at a time.
func (e *env) staff(admin string) []map[string]any {
	e.t.Helper()
	var out []map[string]any
	cursor := ""
	for range 20 {
		page := e.must(e.call("GET", "/v1/staff?limit=2&cursor="+cursor, admin, nil), 200).JSON()
		for _, s := range page["staff"].([]any) {
			out = append(out, s.(map[string]any))
		}
		cursor, _ = page["nextCursor"].(string)
		if cursor == "" {
			return out
		}
	}
	e.t.Fatal("the staff list never ends")
	return nil
}

// TestStaffList: every staff member, by email, paged; no partners.
func TestStaffList(t *testing.T) {
	e := newEnv(t)
	_, _, admin := e.person("a-admin", identity.Admin)
	e.person("b-scss", identity.SCSS)
	e.person("c-scss", identity.SCSS)
	e.person("d-partner", "")
	list := e.staff(admin)
	var roles []string
	for _, s := range list {
		roles = append(roles, fmt.Sprint(s["staffRole"]))
		if s["passwordHash"] != nil || s["email"] == nil || s["status"] != "active" {
			t.Errorf("staff entry = %v", s)
		}
	}
	if fmt.Sprint(roles) != "[admin scss scss]" {
		t.Errorf("staff roles in email order = %v; want [admin scss scss]", roles)
	}
	for _, q := range []string{"limit=0", "limit=201", "cursor=bm9wZQ"} {
		if r := e.call("GET", "/v1/staff?"+q, admin, nil); r.Status != 400 {
			t.Errorf("GET /v1/staff?%s = %d; want 400", q, r.Status)
		}
	}
}

// TestLastAdminRace: the only two admins remove and demote each other at
// the same moment, many requests at once: one change lands, the portal
// keeps exactly one admin, and the counter agrees with the staff list.
func TestLastAdminRace(t *testing.T) {
	e := newEnv(t)
	_, aID, a := e.person("admin-a", identity.Admin)
	_, bID, b := e.person("admin-b", identity.Admin)
	type req struct{ token, method, path string }
	var reqs []req
	for range 3 {
		reqs = append(reqs, req{a, "DELETE", "/v1/staff/" + bID}, req{b, "DELETE", "/v1/staff/" + aID},
			req{a, "PUT", "/v1/staff/" + bID + "/role"}, req{b, "PUT", "/v1/staff/" + aID + "/role"})
	}
	statuses := make([]int, len(reqs))
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Go(func() {
			statuses[i] = testenv.Call(t, e.url, r.method, r.path, r.token, map[string]string{"role": "scss"}).Status
		})
	}
	wg.Wait()
	ctx := context.Background()
	admins := 0
	for _, id := range []string{aID, bID} {
		u, err := e.d.Users.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if u.StaffRole == identity.Admin && u.Status == identity.Active {
			admins++
		}
	}
	n, err := (identity.Staff{Store: e.d.Store}).Admins(ctx)
	if admins != 1 || err != nil || n != 1 {
		t.Errorf("after the race: %d active admins, counter %d (%v), statuses %v; want exactly one admin", admins, n, err, statuses)
	}
}
