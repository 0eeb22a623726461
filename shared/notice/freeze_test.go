package notice_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/store"
)

// runNotices sends the pending notices through the admin's route.
func (m *members) runNotices(t *testing.T) (sent, skipped int) {
	t.Helper()
	r := m.call(t, "POST", "/v1/jobs/notice-emails", "admin", nil)
	if r.Status != 200 || r.JSON()["complete"] != true {
		t.Fatalf("notice run = %d %s; want 200, complete", r.Status, r.Body)
	}
	return int(r.JSON()["sent"].(float64)), int(r.JSON()["skipped"].(float64))
}

// subjectsTo are the subjects of the freeze notices the address got.
func subjectsTo(t *testing.T, addr string) []string {
	t.Helper()
	var out []string
	for _, m := range testenv.MailsTo(t, addr) {
		if strings.Contains(m.Subject, "freeze") {
			out = append(out, m.Subject)
		}
	}
	return out
}

// TestFreezeNotices: creating, moving and lifting a freeze each mail the
// owners and points of contact of every active account once, through the
// job's run; plain users are not mailed; a rerun sends nothing twice; a
// suppressed address is skipped; a person who is a contact of two accounts
// gets one mail per change.
func TestFreezeNotices(t *testing.T) {
	m := newMembers(t)
	ctx := context.Background()
	// The security owner is also the POC of a third account.
	if err := m.d.Accounts.SeedAccount(ctx, accounts.Organization{ID: "org3-" + m.ids["admin"][:8], Name: "Third"},
		account.Account{ID: "third-" + m.ids["admin"][:8], Name: "Third Imports", EntityType: "importer", Programs: []string{"ctpat_security"},
			ReviewDueDate: "2027-06-30"}, []accounts.SeedMember{{UserID: m.ids["secOwner"], Email: m.emails["secOwner"], Role: accounts.POC}}); err != nil {
		t.Fatal(err)
	}
	contacts := []string{m.emails["secOwner"], m.emails["tcOwner"], m.emails["tcPOC"]}

	start := time.Now().UTC().Add(72 * time.Hour).Truncate(time.Minute)
	r := m.call(t, "POST", "/v1/freezes", "admin", map[string]string{"startsAt": start.Format(time.RFC3339),
		"endsAt": start.Add(2 * time.Hour).Format(time.RFC3339), "message": "Annual data migration."})
	if r.Status != 201 {
		t.Fatalf("create freeze = %d %s", r.Status, r.Body)
	}
	id := r.JSON()["id"].(string)
	for _, c := range contacts {
		if got := subjectsTo(t, c); len(got) != 0 {
			t.Fatalf("%s was mailed before the job ran: %v", c, got)
		}
	}
	if sent, _ := m.runNotices(t); sent != len(contacts) {
		t.Errorf("first run sent %d; want one per contact (%d)", sent, len(contacts))
	}
	for _, c := range contacts {
		if got := subjectsTo(t, c); len(got) != 1 || !strings.Contains(got[0], "read-only from") {
			t.Errorf("%s got %v; want one notice of the freeze", c, got)
		}
	}
	if got := subjectsTo(t, m.emails["secUser"]); len(got) != 0 {
		t.Errorf("a plain user got %v; want nothing", got)
	}
	if sent, _ := m.runNotices(t); sent != 0 {
		t.Errorf("rerun sent %d; want nothing twice", sent)
	}

	// The security owner's address bounces; then the freeze moves.
	if err := m.d.MailEvents.Suppress(ctx, m.emails["secOwner"], "bounced", "test"); err != nil {
		t.Fatal(err)
	}
	moved := start.Add(24 * time.Hour)
	r = m.call(t, "PATCH", "/v1/freezes/"+id, "admin", map[string]any{"version": 1,
		"startsAt": moved.Format(time.RFC3339), "endsAt": moved.Add(3 * time.Hour).Format(time.RFC3339)})
	if r.Status != 200 || r.JSON()["version"] != 2.0 {
		t.Fatalf("reschedule = %d %s", r.Status, r.Body)
	}
	sent, skipped := m.runNotices(t)
	if sent != 2 || skipped < 1 {
		t.Errorf("run after the move = sent %d, skipped %d; want the two addresses that do not bounce, and the bounced one skipped", sent, skipped)
	}
	for _, c := range contacts[1:] {
		got := testenv.MailsTo(t, c)
		last := got[len(got)-1]
		if n := len(subjectsTo(t, c)); n != 2 || !strings.Contains(last.Subject, "rescheduled") ||
			!strings.Contains(last.Body.Text, "disregard the earlier notice") || !strings.Contains(last.Body.Text, moved.Format("Monday 2 January 2006, 15:04 UTC")) ||
			!strings.Contains(last.Body.Text, m.base+"/dashboard") {
			t.Errorf("%s after the move: %d notices, last %q %q", c, n, last.Subject, last.Body.Text)
		}
	}
	if got := subjectsTo(t, m.emails["secOwner"]); len(got) != 1 {
		t.Errorf("the bounced address got %v; want only the first notice", got)
	}
	if sent, _ := m.runNotices(t); sent != 0 {
		t.Errorf("rerun after the move sent %d; want 0", sent)
	}

	// Lifting it mails once more.
	if r := m.call(t, "DELETE", "/v1/freezes/"+id, "admin", nil); r.Status != 204 {
		t.Fatalf("lift = %d %s", r.Status, r.Body)
	}
	if sent, _ := m.runNotices(t); sent != 2 {
		t.Errorf("run after lifting sent %d; want 2", sent)
	}
	for _, c := range contacts[1:] {
		if got := subjectsTo(t, c); len(got) != 3 || !strings.Contains(got[2], "lifted") {
			t.Errorf("%s got %v; want created, rescheduled, lifted", c, got)
		}
	}
}

// TestFreezeRescheduleRefuses: a bad reschedule names every wrong field, a
// stale version is 409, partners may not; none changes the freeze or
// queues a mail.
func TestFreezeRescheduleRefuses(t *testing.T) {
	m := newMembers(t)
	start := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Minute)
	r := m.call(t, "POST", "/v1/freezes", "admin", map[string]string{"startsAt": start.Format(time.RFC3339),
		"endsAt": start.Add(time.Hour).Format(time.RFC3339), "message": "Maintenance."})
	path := "/v1/freezes/" + r.JSON()["id"].(string)
	m.runNotices(t)
	for _, c := range []struct {
		who    string
		body   map[string]any
		status int
		code   string
	}{
		{"tcOwner", map[string]any{"version": 1, "message": "Mine"}, 403, "forbidden"},
		{"admin", map[string]any{"startsAt": "soon", "endsAt": "later", "message": " "}, 400, "invalid_version"},
		{"admin", map[string]any{"version": 1, "endsAt": start.Add(-time.Hour).Format(time.RFC3339)}, 400, "invalid_ends_at"},
		{"admin", map[string]any{"version": 1}, 400, "nothing_to_change"},
		{"admin", map[string]any{"version": 7, "message": "Stale"}, 409, "version_conflict"},
		{"admin", map[string]any{"version": 1, "bogus": true}, 400, "unknown_field"},
	} {
		r := m.call(t, "PATCH", path, c.who, c.body)
		if r.Status != c.status || r.Code() != c.code {
			t.Errorf("PATCH %v as %s = %d %s; want %d %s", c.body, c.who, r.Status, r.Body, c.status, c.code)
		}
	}
	r = m.call(t, "PATCH", path, "admin", map[string]any{"startsAt": "soon", "endsAt": "later", "message": " "})
	if d := r.JSON()["error"].(map[string]any)["details"].([]any); len(d) != 4 {
		t.Errorf("details = %v; want version, startsAt, endsAt, message", d)
	}
	fs := m.call(t, "GET", "/v1/freezes", "", nil).JSON()["freezes"].([]any)
	if f := fs[0].(map[string]any); len(fs) != 1 || f["version"] != 1.0 || f["message"] != "Maintenance." {
		t.Errorf("freezes after refused edits = %v; want version 1 unchanged", fs)
	}
	if sent, _ := m.runNotices(t); sent != 0 {
		t.Errorf("refused edits queued %d mails; want none", sent)
	}
	// A new message alone changes the freeze but mails no one.
	if r := m.call(t, "PATCH", path, "admin", map[string]any{"version": 1, "message": "Maintenance of the database."}); r.Status != 200 {
		t.Errorf("message edit = %d %s", r.Status, r.Body)
	}
	if sent, _ := m.runNotices(t); sent != 0 {
		t.Errorf("a message edit mailed %d; want none", sent)
	}
}

// failFor sends through the real sender except to one address.
type failFor struct {
	real interface {
		Send(context.Context, mail.Message) error
	}
	addr string
}

func (f failFor) Send(ctx context.Context, m mail.Message) error {
	if strings.EqualFold(m.To, f.addr) {
		return errors.New("mailbox unavailable")
	}
	return f.real.Send(ctx, m)
}

// TestFreezeNoticeRetries: when the send fails for one contact, the notice
// stays pending and the next run (here the scheduled one, from the
// EventBridge event in testdata) mails that contact alone.
func TestFreezeNoticeRetries(t *testing.T) {
	m := newMembers(t)
	start := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Minute)
	if r := m.call(t, "POST", "/v1/freezes", "admin", map[string]string{"startsAt": start.Format(time.RFC3339),
		"endsAt": start.Add(time.Hour).Format(time.RFC3339), "message": "Maintenance."}); r.Status != 201 {
		t.Fatalf("create = %d %s", r.Status, r.Body)
	}
	job := *m.d.Reminder
	job.Mail = failFor{real: m.d.Mail, addr: m.emails["tcPOC"]}
	res, err := job.SendNotices(context.Background())
	if err != nil || res.Sent != 2 || res.Complete {
		t.Fatalf("run with the POC's mailbox down = %+v, %v; want 2 sent, not complete", res, err)
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "eventbridge-scheduled.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	res, err = m.d.Reminder.Scheduled(context.Background(), ev)
	if err != nil || res.Notices == nil || res.Notices.Sent != 1 || !res.Notices.Complete {
		t.Fatalf("scheduled run = %+v (notices %+v), %v; want the POC's notice", res, res.Notices, err)
	}
	for _, c := range []string{m.emails["secOwner"], m.emails["tcOwner"], m.emails["tcPOC"]} {
		if got := subjectsTo(t, c); len(got) != 1 {
			t.Errorf("%s got %v; want the notice once", c, got)
		}
	}
	var queued []struct {
		Status string `dynamodbav:"status"`
		Sent   int    `dynamodbav:"sent"`
	}
	if err := m.d.Store.Query(context.Background(), "", store.KeyOnly(store.AttrPK, "NOTICEMAIL"), true, &queued); err != nil ||
		len(queued) != 1 || queued[0].Status != "sent" || queued[0].Sent != 3 {
		t.Errorf("queued notices = %+v, %v; want one, sent, to 3", queued, err)
	}
}
