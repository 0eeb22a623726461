package accounts_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/criteria"
)

// auditOf returns the events of the account's audit with the action,
// oldest first, as token reads them.
func (e *env) auditOf(accountID, token, action string) []map[string]any {
	e.t.Helper()
	var out []map[string]any
	for _, x := range e.must(e.call("GET", "/v1/accounts/"+accountID+"/audit?limit=200", token, nil), 200).JSON()["events"].([]any) {
		if ev := x.(map[string]any); ev["action"] == action {
			out = append(out, ev)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["at"].(string) < out[j]["at"].(string) })
	return out
}

// TestEditAccount: an admin renames an account, changes its entity type
// and programmes and moves its review due date; the due-date index, the
// name index, the organisation's summary and the members' memberships all
// follow, and the audit holds every field before and after. Bad input is
// refused naming every field, changing nothing; only admins may edit.
func TestEditAccount(t *testing.T) {
	e := newEnv(t)
	w := e.world(true)
	acc := "/v1/accounts/" + w.accountID
	before := e.account(w.accountID)

	bad := e.call("PATCH", acc, w.admin, map[string]any{"name": " ", "entityType": "spaceship", "programs": []string{}, "reviewDueDate": "2027-02-30"})
	if bad.Status != 400 || !slices.Equal(fields(t, bad), []string{"name", "entityType", "programs", "reviewDueDate"}) {
		t.Errorf("bad edit = %d %s; want 400 naming name, entityType, programs and reviewDueDate", bad.Status, bad.Body)
	}
	if r := e.call("PATCH", acc, w.admin, map[string]any{}); r.Status != 400 || r.Code() != "nothing_to_change" {
		t.Errorf("empty edit = %d %s; want 400 nothing_to_change", r.Status, r.Body)
	}
	for _, tok := range []string{w.owner, w.scss} {
		e.must(e.call("PATCH", acc, tok, map[string]any{"name": "Hijacked"}), 403)
	}
	e.must(e.call("PATCH", "/v1/accounts/nope", w.admin, map[string]any{"name": "Nobody"}), 404)
	if now := e.account(w.accountID); now.Name != before.Name || now.ReviewDueDate != before.ReviewDueDate || now.EntityType != before.EntityType {
		t.Fatalf("refused edits changed the account: %+v", now)
	}

	got := e.must(e.call("PATCH", acc, w.admin, map[string]any{"name": "Acme  Global Imports", "entityType": "exporter",
		"programs": []string{"ctpat_security"}, "reviewDueDate": "2027-06-30"}), 200).JSON()
	if got["name"] != "Acme Global Imports" || got["entityType"] != "exporter" || got["reviewDueDate"] != "2027-06-30" || fmt.Sprint(got["programs"]) != "[ctpat_security]" {
		t.Errorf("edited account = %v", got)
	}
	ctx := context.Background()
	if due, err := account.DueOn(ctx, e.d.Store, "2027-06-30"); err != nil || len(due) != 1 || due[0].ID != w.accountID {
		t.Errorf("accounts due on the new date = %+v, %v; want the account", due, err)
	}
	if due, _ := account.DueOn(ctx, e.d.Store, before.ReviewDueDate); len(due) != 0 {
		t.Errorf("accounts still due on the old date = %+v", due)
	}
	if got := names(e.must(e.call("GET", "/v1/accounts?name=acme+global", w.admin, nil), 200).JSON(), "accounts"); !slices.Equal(got, []string{"Acme Global Imports"}) {
		t.Errorf("the renamed account by its new name = %v", got)
	}
	if got := names(e.must(e.call("GET", "/v1/accounts?name=acme+imports", w.admin, nil), 200).JSON(), "accounts"); len(got) != 0 {
		t.Errorf("the renamed account by its old name = %v; want none", got)
	}
	org := e.must(e.call("GET", "/v1/organizations/"+w.orgID, w.owner, nil), 200).JSON()
	if sum := org["accounts"].([]any)[0].(map[string]any); sum["name"] != "Acme Global Imports" || sum["entityType"] != "exporter" {
		t.Errorf("the organisation's summary = %v", sum)
	}
	me := e.must(e.call("GET", "/v1/me", w.user, nil), 200).JSON()
	if m := me["memberships"].([]any)[0].(map[string]any); m["accountName"] != "Acme Global Imports" || fmt.Sprint(m["programs"]) != "[ctpat_security]" {
		t.Errorf("a member's membership = %v", m)
	}
	evs := e.auditOf(w.accountID, w.admin, "account_edited")
	if len(evs) != 1 {
		t.Fatalf("account_edited events = %v; want one", evs)
	}
	want := map[string]any{"before.name": "Acme Imports", "after.name": "Acme Global Imports", "before.entityType": "importer", "after.entityType": "exporter",
		"before.programs": "ctpat_security,ctpat_trade_compliance", "after.programs": "ctpat_security",
		"before.reviewDueDate": before.ReviewDueDate, "after.reviewDueDate": "2027-06-30"}
	if d := evs[0]["details"].(map[string]any); fmt.Sprint(d) != fmt.Sprint(want) {
		t.Errorf("audit details = %v; want %v", d, want)
	}
}

// TestConcurrentEditsLoseNothing: admins rename an account at the same
// moment; each edit that lands was made against the name it replaced (the
// audit's before/after form one chain from the first name to the last), and
// the others are 409.
func TestConcurrentEditsLoseNothing(t *testing.T) {
	e := newEnv(t)
	w := e.world(false)
	statuses := make([]int, 6)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = e.call("PATCH", "/v1/accounts/"+w.accountID, w.admin, map[string]any{"name": fmt.Sprintf("Racing Name %d", i)}).Status
		})
	}
	wg.Wait()
	landed := 0
	for _, s := range statuses {
		switch s {
		case 200:
			landed++
		case 409:
		default:
			t.Errorf("a racing edit = %d; want 200 or 409", s)
		}
	}
	evs := e.auditOf(w.accountID, w.admin, "account_edited")
	name := "Acme Imports"
	for _, ev := range evs {
		d := ev["details"].(map[string]any)
		if d["before.name"] != name {
			t.Errorf("an edit made against %v landed after the name was %q: a lost update (statuses %v)", d["before.name"], name, statuses)
		}
		name = d["after.name"].(string)
	}
	if len(evs) != landed || e.account(w.accountID).Name != name {
		t.Errorf("%d edits landed, %d audited, final name %q; want the audit's last", landed, len(evs), e.account(w.accountID).Name)
	}
}

// queued reports whether the account is in token's review queue.
func (e *env) queued(token, accountID string) bool {
	e.t.Helper()
	for _, x := range e.must(e.call("GET", "/v1/reviews?status=submitted", token, nil), 200).JSON()["reviews"].([]any) {
		if x.(map[string]any)["accountId"] == accountID {
			return true
		}
	}
	return false
}

// TestAssignSpecialist: an admin moves a submitted account from one
// specialist to another and then to the shared pool; its review-queue entry
// follows each time, the old specialist no longer sees it, and the audit
// records the specialist before and after (hidden from the account's
// partners). A user who is not an active specialist is refused.
func TestAssignSpecialist(t *testing.T) {
	e := newEnv(t)
	w := e.world(true)
	acc := "/v1/accounts/" + w.accountID
	for _, c := range criteria.ForEntityType("importer") {
		if c.Required {
			e.must(e.call("PUT", acc+"/profile/criteria/"+c.ID, w.user, map[string]any{"answer": "yes", "narrative": "n", "version": 0}), 200)
		}
	}
	e.must(e.call("POST", acc+"/profile/submit", w.owner, nil), 202)
	if !e.queued(w.scss, w.accountID) || e.queued(w.otherSCSS, w.accountID) {
		t.Fatal("the submitted account is not in its specialist's queue alone")
	}
	_, otherID, other := e.person("scss3", "scss")

	for _, body := range []map[string]any{{"specialistId": w.ownerID}, {}, {"specialistId": 7}, {"specialistId": ""}} {
		if r := e.call("PUT", acc+"/specialist", w.admin, body); r.Status != 400 || !slices.Equal(fields(t, r), []string{"specialistId"}) {
			t.Errorf("PUT specialist %v = %d %s; want 400 naming specialistId", body, r.Status, r.Body)
		}
	}
	e.must(e.call("PUT", acc+"/specialist", w.scss, map[string]any{"specialistId": otherID}), 403)
	if e.account(w.accountID).SpecialistID != w.scssID {
		t.Fatal("a refused assignment changed the account")
	}

	got := e.must(e.call("PUT", acc+"/specialist", w.admin, map[string]any{"specialistId": otherID}), 200).JSON()
	if got["specialistId"] != otherID || !e.queued(other, w.accountID) || e.queued(w.scss, w.accountID) {
		t.Errorf("after reassignment: %v, queued for the new specialist %v, for the old %v", got, e.queued(other, w.accountID), e.queued(w.scss, w.accountID))
	}
	e.must(e.call("GET", acc+"/profile", w.scss, nil), 404)
	e.must(e.call("PUT", acc+"/specialist", w.admin, map[string]any{"specialistId": nil}), 200)
	if a := e.account(w.accountID); a.SpecialistID != "" || !e.queued(w.otherSCSS, w.accountID) || !e.queued(w.scss, w.accountID) {
		t.Errorf("after moving to the pool: specialist %q, in the pool's queue %v", a.SpecialistID, e.queued(w.otherSCSS, w.accountID))
	}
	evs := e.auditOf(w.accountID, w.admin, "specialist_assigned")
	if len(evs) != 2 {
		t.Fatalf("specialist_assigned events = %v; want two", evs)
	}
	if d := evs[0]["details"].(map[string]any); d["before.specialistId"] != w.scssID || d["after.specialistId"] != otherID || d["reviewQueueMoved"] != "true" {
		t.Errorf("first assignment's details = %v", d)
	}
	for _, ev := range e.auditOf(w.accountID, w.owner, "specialist_assigned") {
		if d, _ := ev["details"].(map[string]any); d["before.specialistId"] != nil || d["after.specialistId"] != nil || ev["actorId"] != nil {
			t.Errorf("the owner sees staff ids in %v", ev)
		}
	}
}
