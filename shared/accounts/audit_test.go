package accounts_test

import (
	"strings"
	"testing"
)

// TestAccountAuditHidesStaff: the AO sees staff actions in the account's
// audit as done by "portal staff", without the staff member's id, IP address
// or user agent; staff reading the same audit see everything.
func TestAccountAuditHidesStaff(t *testing.T) {
	e := newEnv(t)
	w := e.world(false) // the admin created the account and invited its owner
	adminID := e.must(e.call("GET", "/v1/me", w.admin, nil), 200).JSON()["user"].(map[string]any)["id"].(string)
	type event struct {
		UserID    string `json:"userId"`
		ActorID   string `json:"actorId"`
		Action    string `json:"action"`
		IP        string `json:"ip"`
		UserAgent string `json:"userAgent"`
		Actor     string `json:"actor"`
	}
	read := func(token string) ([]event, string) {
		t.Helper()
		r := e.must(e.call("GET", "/v1/accounts/"+w.accountID+"/audit", token, nil), 200)
		var page struct {
			Events []event `json:"events"`
		}
		if err := jsonUnmarshal(r.Body, &page); err != nil {
			t.Fatal(err)
		}
		return page.Events, string(r.Body)
	}
	byAction := func(events []event, action string) event {
		t.Helper()
		for _, ev := range events {
			if ev.Action == action {
				return ev
			}
		}
		t.Fatalf("no %s event in %+v", action, events)
		return event{}
	}

	events, body := read(w.owner)
	if strings.Contains(body, adminID) {
		t.Errorf("the AO's audit shows the admin's id: %s", body)
	}
	staffEvents := 0
	for _, ev := range events {
		if ev.Actor == "portal staff" {
			staffEvents++
			if ev.UserID != "" || ev.ActorID != "" || ev.IP != "" || ev.UserAgent != "" {
				t.Errorf("the AO sees the staff event %s as %+v; want no id, IP or user agent", ev.Action, ev)
			}
		}
	}
	if ev := byAction(events, "account_created"); ev.Actor != "portal staff" || staffEvents != 2 {
		t.Errorf("the AO sees %d staff events, account_created as %+v; want 2 (account_created, user_invited) by portal staff", staffEvents, ev)
	}
	if ev := byAction(events, "invitation_accepted"); ev.ActorID != w.userID || ev.IP == "" || ev.UserAgent == "" || ev.Actor != "" { // the newest: the user's
		t.Errorf("the AO sees a partner's event as %+v; want it as recorded", ev)
	}

	for _, staff := range []string{w.admin, w.scss} {
		events, _ := read(staff)
		if ev := byAction(events, "account_created"); ev.ActorID != adminID || ev.UserID != adminID || ev.IP == "" || ev.UserAgent != "portal-test/1.0" {
			t.Errorf("staff see the staff event as %+v; want the admin's id, IP and user agent", ev)
		}
	}
}
