package reminder_test

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
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/partner-portal/portal/infra/localstack"
	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/portal"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type env struct {
	t                           *testing.T
	d                           *portal.Deps
	base, admin                 string
	account                     string
	ownerEmail, pocEmail, owner string
}

// newEnv is a portal with one account due on due, its owner and POC as
// contacts, and an admin to run the job.
func newEnv(t *testing.T, due string) *env {
	t.Helper()
	d, base := testenv.Portal(t, func(c *portal.Config) { c.Reminder.SendRate = 1000 },
		func(d *portal.Deps) { d.Reminder.Sleep = func(time.Duration) {} })
	e := &env{t: t, d: d, base: base}
	ctx := context.Background()
	person := func(prefix string, role identity.StaffRole) (string, string) {
		return testenv.Person(t, d, prefix, role)
	}
	var ownerID, pocID string
	e.ownerEmail, ownerID = person("owner", "")
	e.pocEmail, pocID = person("poc", "")
	userEmail, userID := person("user", "")
	adminEmail, _ := person("admin", identity.Admin)
	e.account = "acc-" + ownerID[:10]
	if err := d.Accounts.SeedAccount(ctx, accounts.Organization{ID: "org-" + ownerID[:10], Name: "Reminder Group"},
		account.Account{ID: e.account, Name: "Reminder Imports", EntityType: "importer", Programs: []string{"ctpat_security"}, ReviewDueDate: due},
		[]accounts.SeedMember{{UserID: ownerID, Email: e.ownerEmail, Role: accounts.Owner}, {UserID: pocID, Email: e.pocEmail, Role: accounts.POC},
			{UserID: userID, Email: userEmail, Role: accounts.User}}); err != nil {
		t.Fatal(err)
	}
	e.admin = e.signIn(adminEmail)
	e.owner = e.signIn(e.ownerEmail)
	return e
}

func (e *env) signIn(email string) string {
	e.t.Helper()
	return testenv.SignIn(e.t, e.base, email, testenv.Password)
}

// run runs the job for a day through the admin route.
func (e *env) run(day time.Time) (sent, skipped int) {
	e.t.Helper()
	r := testenv.Call(e.t, e.base, "POST", "/v1/jobs/annual-review-reminders", e.admin, map[string]string{"asOf": day.Format("2006-01-02")})
	if r.Status != 200 {
		e.t.Fatalf("run %s = %d %s", day.Format("2006-01-02"), r.Status, r.Body)
	}
	j := r.JSON()
	return int(j["sent"].(float64)), int(j["skipped"].(float64))
}

func subjects(ms []testenv.Mail) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Subject)
	}
	return out
}

var today = time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)

// TestReminderWalk: an account due in 120 days, the job run for every day
// from today to 150 days on: one mail per threshold reached, in order; the
// same walk again sends nothing new.
func TestReminderWalk(t *testing.T) {
	e := newEnv(t, today.AddDate(0, 0, 120).Format("2006-01-02"))
	walk := func() int {
		total := 0
		for d := 0; d <= 150; d++ {
			sent, _ := e.run(today.AddDate(0, 0, d))
			total += sent
		}
		return total
	}
	if sent := walk(); sent != 8 {
		t.Errorf("the walk sent %d reminders; want 8 (90, 60, 30, 7, 0 days before, 1, 7, 30 after)", sent)
	}
	want := []string{"due in 90 days", "due in 60 days", "due in 30 days", "due in 7 days", "due today", "1 days overdue", "7 days overdue", "30 days overdue"}
	for _, to := range []string{e.ownerEmail, e.pocEmail} {
		got := subjects(testenv.WaitMails(t, to, 8))
		if len(got) != 8 {
			t.Fatalf("%s got %d mails: %v", to, len(got), got)
		}
		for i, w := range want {
			if !strings.Contains(got[i], w) {
				t.Errorf("mail %d to %s = %q; want %q", i+1, to, got[i], w)
			}
		}
	}
	if sent := walk(); sent != 0 {
		t.Errorf("walking again sent %d; want none", sent)
	}
	if got := testenv.MailsTo(t, e.ownerEmail); len(got) != 8 {
		t.Errorf("after the second walk the owner has %d mails; want 8", len(got))
	}
}

// TestReminderCatchUp: days without a run are caught up with the latest
// threshold passed, not every one.
func TestReminderCatchUp(t *testing.T) {
	e := newEnv(t, today.AddDate(0, 0, 10).Format("2006-01-02"))
	if sent, _ := e.run(today); sent != 0 {
		t.Fatalf("day 0 sent %d", sent)
	}
	// Days 1 to 10 never ran: thresholds -7 (day 3) and 0 (day 10) passed.
	if sent, _ := e.run(today.AddDate(0, 0, 11)); sent != 1 {
		t.Errorf("the catch-up run sent %d; want 1", sent)
	}
	got := subjects(testenv.WaitMails(t, e.ownerEmail, 1))
	if len(got) != 1 || !strings.Contains(got[0], "1 days overdue") {
		t.Errorf("catch-up mail = %v; want only the latest threshold (1 day overdue)", got)
	}
	if sent, _ := e.run(today.AddDate(0, 0, 5)); sent != 0 {
		t.Errorf("running an earlier day again sent %d; want none", sent)
	}
}

// TestReminderSendFailure: with SES down the claim is released and the day
// is retried on the next run, never duplicated.
func TestReminderSendFailure(t *testing.T) {
	e := newEnv(t, today.AddDate(0, 0, 30).Format("2006-01-02"))
	down := *e.d.Reminder
	broken, err := mail.NewSender(ses.New(e.d.SES.Options(), func(o *ses.Options) {
		o.BaseEndpoint = aws.String("http://127.0.0.1:1")
		o.RetryMaxAttempts = 1
	}), "no-reply@portal.test", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	down.Mail = broken
	res, err := down.Run(context.Background(), today)
	if err != nil || res.Sent != 0 || res.Complete {
		t.Fatalf("run with SES down = %+v, %v; want nothing sent, not complete", res, err)
	}
	if sent, _ := e.run(today.AddDate(0, 0, 1)); sent != 1 {
		t.Errorf("the next run sent %d; want the failed reminder once", sent)
	}
	if sent, _ := e.run(today.AddDate(0, 0, 1)); sent != 0 {
		t.Errorf("running that day again sent %d; want none", sent)
	}
	if got := testenv.MailsTo(t, e.ownerEmail); len(got) != 1 || !strings.Contains(got[0].Subject, "due in 30 days") {
		t.Errorf("owner mails = %v; want the 30-day reminder once", subjects(got))
	}
}

func readEvent(t *testing.T, name string, replace map[string]string) []byte {
	t.Helper()
	root, err := localstack.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for k, v := range replace {
		s = strings.ReplaceAll(s, k, v)
	}
	return []byte(s)
}

// TestBouncedOwnerIsSkipped: a real SES bounce notification through the
// mail-events handler suppresses the owner's address; reminders go to the
// POC only, and the AO's user list shows the bounce.
func TestBouncedOwnerIsSkipped(t *testing.T) {
	e := newEnv(t, today.AddDate(0, 0, 7).Format("2006-01-02"))
	var ev events.SNSEvent
	if err := json.Unmarshal(readEvent(t, "sns-ses-bounce.json", map[string]string{"BOUNCED_ADDRESS": e.ownerEmail}), &ev); err != nil {
		t.Fatal(err)
	}
	if err := e.d.MailEvents.SNS(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if sent, _ := e.run(today); sent != 1 {
		t.Errorf("sent %d; want 1 (to the POC)", sent)
	}
	if got := testenv.WaitMails(t, e.pocEmail, 1); len(got) != 1 {
		t.Errorf("POC mails = %d; want 1", len(got))
	}
	if got := testenv.MailsTo(t, e.ownerEmail); len(got) != 0 {
		t.Errorf("the bounced owner got %d mails", len(got))
	}
	r := testenv.Call(t, e.base, "GET", "/v1/accounts/"+e.account+"/users", e.owner, nil)
	for _, u := range r.JSON()["users"].([]any) {
		m := u.(map[string]any)
		want := "ok"
		if m["email"] == e.ownerEmail {
			want = "bounced"
		}
		if m["emailDeliveryStatus"] != want {
			t.Errorf("%s delivery status = %v; want %s", m["email"], m["emailDeliveryStatus"], want)
		}
	}
	// A complaint works the same way; a transient bounce changes nothing.
	var complaint events.SNSEvent
	if err := json.Unmarshal(readEvent(t, "sns-ses-complaint.json", map[string]string{"COMPLAINED_ADDRESS": e.pocEmail}), &complaint); err != nil {
		t.Fatal(err)
	}
	if err := e.d.MailEvents.SNS(context.Background(), complaint); err != nil {
		t.Fatal(err)
	}
	if skip, _ := e.d.Delivery.IsSuppressed(context.Background(), e.pocEmail); !skip {
		t.Errorf("a complained address is not suppressed")
	}
	transient := strings.Replace(string(readEvent(t, "sns-ses-bounce.json", map[string]string{"BOUNCED_ADDRESS": "someone@trade.test"})), `\"Permanent\"`, `\"Transient\"`, 1)
	var tev events.SNSEvent
	if err := json.Unmarshal([]byte(transient), &tev); err != nil {
		t.Fatal(err)
	}
	if err := e.d.MailEvents.SNS(context.Background(), tev); err != nil {
		t.Fatal(err)
	}
	if skip, _ := e.d.Delivery.IsSuppressed(context.Background(), "someone@trade.test"); skip {
		t.Errorf("a transient bounce suppressed the address")
	}
}

// TestScheduledEvent: the EventBridge event from testdata drives the job
// through the reminders Lambda's handler, for the event's day.
func TestScheduledEvent(t *testing.T) {
	e := newEnv(t, "2027-02-14") // 30 days after the event's 2027-01-15
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(readEvent(t, "eventbridge-scheduled.json", nil), &ev); err != nil {
		t.Fatal(err)
	}
	res, err := e.d.Reminder.Scheduled(context.Background(), ev)
	if err != nil || res.Sent != 1 || !res.Complete {
		t.Fatalf("scheduled run = %+v, %v; want one reminder", res, err)
	}
	if got := testenv.WaitMails(t, e.ownerEmail, 1); len(got) != 1 || !strings.Contains(got[0].Subject, "due in 30 days") {
		t.Errorf("owner mails = %v", subjects(got))
	}
	if r := testenv.Call(t, e.base, "POST", "/v1/jobs/annual-review-reminders", e.owner, map[string]string{"asOf": "2027-01-15"}); r.Status != 403 {
		t.Errorf("an AO runs the job = %d; want 403", r.Status)
	}
	if r := testenv.Call(t, e.base, "POST", "/v1/jobs/annual-review-reminders", e.admin, map[string]string{"asOf": "15/01/2027"}); r.Status != 400 {
		t.Errorf("bad asOf = %d; want 400", r.Status)
	}
}

// TestReminderStopsBeforeDeadline: with less time left than the margin the
// run stops cleanly, sends nothing, and the next run does the work.
func TestReminderStopsBeforeDeadline(t *testing.T) {
	e := newEnv(t, today.AddDate(0, 0, 7).Format("2006-01-02"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second) // the margin is 5 s
	defer cancel()
	res, err := e.d.Reminder.Run(ctx, today)
	if err != nil || res.Sent != 0 || res.Complete {
		t.Fatalf("run near the deadline = %+v, %v; want a clean, incomplete stop", res, err)
	}
	if sent, _ := e.run(today.AddDate(0, 0, 1)); sent != 1 {
		t.Errorf("the next run sent %d; want the reminder left over", sent)
	}
}

// TestApprovedReviewIsSkipped: once the annual review is approved the
// account moves to next year's due date, so this year's reminders stop.
func TestApprovedReviewIsSkipped(t *testing.T) {
	due := today.AddDate(0, 0, 7)
	e := newEnv(t, due.Format("2006-01-02"))
	scssEmail, scssID := testenv.Person(t, e.d, "scss", identity.SCSS)
	scss := testenv.SignIn(t, e.base, scssEmail, testenv.Password)
	ctx := context.Background()
	// Assign the specialist, as an admin would have.
	acc, _, err := e.d.Accounts.Authorize(ctx, accounts.Principal{StaffRole: identity.Admin}, e.account, accounts.View)
	if err != nil {
		t.Fatal(err)
	}
	acc.SpecialistID = scssID
	if err := e.d.Store.Put(ctx, acc, nil); err != nil {
		t.Fatal(err)
	}
	call := func(method, path, token string, body any, want int) map[string]any {
		t.Helper()
		r := testenv.Call(t, e.base, method, path, token, body)
		if r.Status != want {
			t.Fatalf("%s %s = %d %s; want %d", method, path, r.Status, r.Body, want)
		}
		return r.JSON()
	}
	profile := "/v1/accounts/" + e.account + "/profile"
	review := func() {
		for _, c := range call("GET", profile, e.owner, nil, 200)["criteria"].([]any) {
			m := c.(map[string]any)
			if m["required"] == true {
				v := m["draft"].(map[string]any)["version"]
				call("PUT", profile+"/criteria/"+m["id"].(string), e.owner, map[string]any{"answer": "yes", "narrative": "done", "version": v}, 200)
			}
		}
		call("POST", profile+"/submit", e.owner, nil, 202)
		for _, c := range call("GET", profile, scss, nil, 200)["criteria"].([]any) {
			m := c.(map[string]any)
			if m["review"].(map[string]any)["state"] == "pending" {
				call("POST", profile+"/criteria/"+m["id"].(string)+"/review", scss, map[string]string{"decision": "approve"}, 200)
			}
		}
	}
	review()                                                                     // the first profile
	call("POST", "/v1/accounts/"+e.account+"/annual-reviews", e.owner, nil, 201) // this year's review
	review()
	if sent, _ := e.run(due.AddDate(0, 0, -7)); sent != 0 {
		t.Errorf("reminders for an approved review = %d; want none", sent)
	}
	if got := testenv.MailsTo(t, e.ownerEmail); len(got) != 0 {
		for _, m := range got {
			if strings.Contains(m.Subject, "annual review") {
				t.Errorf("the owner got a reminder: %q", m.Subject)
			}
		}
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
	if m.To == f.addr {
		return errors.New("mailbox unavailable")
	}
	return f.real.Send(ctx, m)
}

// TestReminderPartialFailure: when the send fails for one contact only, the
// next run retries that contact and does not mail the others twice.
func TestReminderPartialFailure(t *testing.T) {
	e := newEnv(t, today.AddDate(0, 0, 30).Format("2006-01-02"))
	job := *e.d.Reminder
	job.Mail = failFor{real: e.d.Mail, addr: e.pocEmail}
	res, err := job.Run(context.Background(), today)
	if err != nil || res.Sent != 1 || res.Complete {
		t.Fatalf("run with the POC's mailbox down = %+v, %v; want one account sent, not complete", res, err)
	}
	if sent, _ := e.run(today.AddDate(0, 0, 1)); sent != 1 {
		t.Errorf("the next run sent %d; want the POC's reminder", sent)
	}
	if got := testenv.WaitMails(t, e.pocEmail, 1); len(got) != 1 {
		t.Errorf("POC mails = %v; want the reminder once", subjects(got))
	}
	if got := testenv.MailsTo(t, e.ownerEmail); len(got) != 1 {
		t.Errorf("owner mails = %v; want the reminder once, not again", subjects(got))
	}
}
