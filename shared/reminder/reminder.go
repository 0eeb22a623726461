// Package reminder sends the annual-review reminders: each account is
// mailed at fixed distances before and after its review due date, exactly
// once per (account, due date, threshold), reading only the accounts due on
// the dates its thresholds name.
package reminder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/store"
)

// Config is when reminders go out and how fast.
type Config struct {
	// Thresholds are days relative to the due date: negative before, zero
	// on the day, positive after (overdue).
	Thresholds []int
	// SendRate is the most emails a second (an SES sandbox allows 1).
	SendRate float64
	// CatchUpDays bounds how far back a run looks for days it missed.
	CatchUpDays int
	// Margin is left before a Lambda's deadline: the run stops cleanly and
	// leaves the rest to the next run.
	Margin time.Duration
}

// DefaultConfig: 90, 60, 30, 7 and 0 days before the due date, and 1, 7 and
// 30 days after.
var DefaultConfig = Config{Thresholds: []int{-90, -60, -30, -7, 0, 1, 7, 30}, SendRate: 10, CatchUpDays: 14, Margin: 5 * time.Second}

// ParseThresholds reads "90,60,30,7,0,-1,-7,-30" style configuration: days
// before the due date positive, after it negative, as people say them.
func ParseThresholds(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < -365 || n > 365 {
			return nil, fmt.Errorf("threshold %q is not a number of days from -365 to 365", f)
		}
		out = append(out, -n)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Sender sends one email.
type Sender interface {
	Send(ctx context.Context, m mail.Message) error
}

// Suppressions lists the addresses not to mail.
type Suppressions interface {
	Suppressed(ctx context.Context) (map[string]bool, error)
}

// Job runs the reminders.
type Job struct {
	Store      *store.Store
	Mail       Sender
	Suppressed Suppressions
	Config     Config
	PortalURL  string
	Log        *slog.Logger
	Sleep      func(time.Duration) // time.Sleep; tests may pass a no-op
}

// Result is what a run did.
type Result struct {
	Sent     int  `json:"sent"`
	Skipped  int  `json:"skipped"`
	Complete bool `json:"complete"` // false when it stopped for the deadline
	// Notices is what a scheduled run sent of the freeze notices (counting
	// emails), before the reminders.
	Notices *Result `json:"notices,omitempty"`
}

const dateLayout = "2006-01-02"

type state struct {
	store.Key
	LastRun string `dynamodbav:"lastRun"`
}

var stateKey = store.Key{PK: "JOB#annual-review-reminders", SK: "STATE"}

// Run sends the reminders due as of the day asOf; Result counts accounts.
// Days since the last complete run (at most CatchUpDays) are looked at too;
// an account that passed several thresholds meanwhile gets only the latest.
// Each reminder is claimed with a conditional write before it is sent and
// released if the send fails, so reruns never send twice.
func (j *Job) Run(ctx context.Context, asOf time.Time) (Result, error) {
	day := asOf.UTC().Truncate(24 * time.Hour)
	st, from, err := j.window(ctx, day)
	if err != nil {
		return Result{}, err
	}
	suppressed, err := j.Suppressed.Suppressed(ctx)
	if err != nil {
		return Result{}, err
	}
	p := &pass{day: day, suppressed: suppressed,
		pace: pacer{interval: time.Duration(float64(time.Second) / j.Config.SendRate), sleep: j.Sleep}}
	for _, due := range j.dueDates(from, day) {
		stopped, err := j.remindDue(ctx, p, due)
		if err != nil {
			return p.res, err
		}
		if stopped {
			j.Log.WarnContext(ctx, "reminders stopped before the deadline; the next run goes on", "sent", p.res.Sent)
			return p.res, j.markDone(ctx, st, from.AddDate(0, 0, -1))
		}
	}
	// A run with a failed send is not done: the next run looks at its whole
	// window again (claims keep what was sent from going twice).
	p.res.Complete = !p.failed
	done := day
	if p.failed {
		done = from.AddDate(0, 0, -1)
	}
	return p.res, j.markDone(ctx, st, done)
}

// pass is one run's progress, and what all its reminders share.
type pass struct {
	day        time.Time       // the day the run is for
	suppressed map[string]bool // addresses not to mail
	pace       pacer
	res        Result
	failed     bool // a send failed: the run is not complete
}

// remindDue sends the accounts due on due the reminder of the latest
// threshold they passed by p.day. It stops, with stopped true, when the
// context's deadline is near.
func (j *Job) remindDue(ctx context.Context, p *pass, due string) (stopped bool, err error) {
	threshold, ok := j.latestPassed(due, p.day)
	if !ok {
		return false, nil
	}
	accs, err := j.accountsDue(ctx, due)
	if err != nil {
		return false, err
	}
	for _, acc := range accs {
		if j.nearDeadline(ctx) {
			return true, nil
		}
		sent, failed, err := j.remind(ctx, acc, due, threshold, p.day, recipients(acc, p.suppressed), &p.pace)
		if err != nil {
			return false, err
		}
		p.failed = p.failed || failed
		if sent {
			p.res.Sent++
		} else {
			p.res.Skipped++
		}
	}
	return false, nil
}

// window reads the job's state and returns it with the first day this run
// looks at: the day after the last complete run, at most CatchUpDays back.
func (j *Job) window(ctx context.Context, day time.Time) (state, time.Time, error) {
	var st state
	if _, err := j.Store.Get(ctx, stateKey, &st); err != nil {
		return st, time.Time{}, err
	}
	from := day
	if last, err := time.Parse(dateLayout, st.LastRun); err == nil && last.Before(day) {
		from = last.AddDate(0, 0, 1)
		if earliest := day.AddDate(0, 0, -j.Config.CatchUpDays); from.Before(earliest) {
			from = earliest
		}
	}
	return st, from, nil
}

// dueDates are, sorted, every due date a threshold names for a day in
// [from, day].
func (j *Job) dueDates(from, day time.Time) []string {
	dues := map[string]bool{}
	for d := from; !d.After(day); d = d.AddDate(0, 0, 1) {
		for _, t := range j.Config.Thresholds {
			dues[d.AddDate(0, 0, -t).Format(dateLayout)] = true
		}
	}
	return sortedKeys(dues)
}

// accountsDue reads the accounts whose review is due on due.
func (j *Job) accountsDue(ctx context.Context, due string) ([]account.Account, error) {
	accs, err := account.DueOn(ctx, j.Store, due)
	if err != nil {
		return nil, err
	}
	// The index lags a due date that just moved, and an account just
	// suspended (which Suspend takes out of the index).
	return slices.DeleteFunc(accs, func(a account.Account) bool { return a.ReviewDueDate != due || a.IsSuspended() }), nil
}

// nearDeadline reports whether less than Margin is left before the
// context's deadline.
func (j *Job) nearDeadline(ctx context.Context) bool {
	deadline, ok := ctx.Deadline()
	return ok && time.Until(deadline) < j.Config.Margin
}

// recipients are the account's contacts that are not suppressed.
func recipients(acc account.Account, suppressed map[string]bool) []string {
	var to []string
	for _, c := range acc.Contacts {
		if !suppressed[c] {
			to = append(to, c)
		}
	}
	return to
}

// remind sends one account its reminder for (due, threshold). Each
// recipient's reminder is claimed on its own, so a send that fails for one
// address is released and retried for that address alone. sent is whether
// any address was mailed; failed, whether any send failed.
func (j *Job) remind(ctx context.Context, acc account.Account, due string, threshold int, day time.Time, to []string, pace *pacer) (sent, failed bool, err error) {
	for _, addr := range to {
		claimed, err := j.claim(ctx, acc.ID, due, threshold, addr, day)
		if err != nil {
			return sent, failed, err
		}
		if !claimed {
			continue
		}
		pace.wait()
		if err := j.send(ctx, acc, addr, due, threshold); err != nil {
			j.Log.ErrorContext(ctx, "reminder not sent; released for the next run", "account_id", acc.ID, "err", err.Error())
			if err := j.release(ctx, acc.ID, due, threshold, addr); err != nil {
				return sent, failed, err
			}
			failed = true
			continue
		}
		sent = true
	}
	return sent, failed, nil
}

// pacer keeps sends at least interval apart.
type pacer struct {
	interval time.Duration
	sleep    func(time.Duration)
	last     time.Time
}

// wait sleeps until interval has passed since the previous send.
func (p *pacer) wait() {
	if wait := p.interval - time.Since(p.last); wait > 0 && !p.last.IsZero() {
		p.sleep(wait)
	}
	p.last = time.Now()
}

// markDone records that every day up to done was handled, unless a later
// day already was.
func (j *Job) markDone(ctx context.Context, st state, done time.Time) error {
	if st.LastRun >= done.Format(dateLayout) {
		return nil
	}
	return j.Store.Put(ctx, state{Key: stateKey, LastRun: done.Format(dateLayout)}, nil)
}

// latestPassed is the latest threshold at or before day for a due date.
func (j *Job) latestPassed(due string, day time.Time) (int, bool) {
	d, err := time.Parse(dateLayout, due)
	if err != nil {
		return 0, false
	}
	best, found := 0, false
	for _, t := range j.Config.Thresholds {
		if !d.AddDate(0, 0, t).After(day) {
			best, found = t, true
		}
	}
	return best, found
}

type marker struct {
	store.Key
	ClaimedFor string `dynamodbav:"claimedFor"`
}

func markerKey(acc, due string, threshold int, to string) store.Key {
	return store.Key{PK: account.Partition(acc), SK: fmt.Sprintf("REMIND#%s#%+d#%s", due, threshold, to)}
}

func (j *Job) claim(ctx context.Context, acc, due string, threshold int, to string, day time.Time) (bool, error) {
	cond := expression.AttributeNotExists(expression.Name(store.AttrPK))
	err := j.Store.Put(ctx, marker{Key: markerKey(acc, due, threshold, to), ClaimedFor: day.Format(dateLayout)}, &cond)
	if errors.Is(err, store.ErrConditionFailed) {
		return false, nil
	}
	return err == nil, err
}

func (j *Job) release(ctx context.Context, acc, due string, threshold int, to string) error {
	return j.Store.Delete(ctx, markerKey(acc, due, threshold, to), nil)
}

func (j *Job) send(ctx context.Context, acc account.Account, to, due string, threshold int) error {
	return j.Mail.Send(ctx, mail.Message{To: to, Template: "review_reminder", Data: map[string]any{
		"AccountName": acc.Name, "DueDate": due, "Days": abs(threshold), "Before": threshold < 0, "OnDay": threshold == 0,
		"Link": j.PortalURL + "/accounts/" + url.PathEscape(acc.ID) + "/profile",
	}})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
