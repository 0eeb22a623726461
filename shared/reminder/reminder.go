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
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/partner-portal/portal/shared/accounts"
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
}

const dateLayout = "2006-01-02"

type state struct {
	store.Key
	LastRun string `dynamodbav:"lastRun"`
}

var stateKey = store.Key{PK: "JOB#annual-review-reminders", SK: "STATE"}

// Run sends the reminders due as of the day asOf; Result counts accounts. Days since the last
// complete run (at most CatchUpDays) are looked at too; an account that
// passed several thresholds meanwhile gets only the latest. Each reminder is
// claimed with a conditional write before it is sent and released if the
// send fails, so reruns never send twice.
func (j *Job) Run(ctx context.Context, asOf time.Time) (Result, error) {
	day := asOf.UTC().Truncate(24 * time.Hour)
	var st state
	if _, err := j.Store.Get(ctx, stateKey, &st); err != nil {
		return Result{}, err
	}
	from := day // first day whose thresholds are read
	if last, err := time.Parse(dateLayout, st.LastRun); err == nil && last.Before(day) {
		from = last.AddDate(0, 0, 1)
		if earliest := day.AddDate(0, 0, -j.Config.CatchUpDays); from.Before(earliest) {
			from = earliest
		}
	}
	suppressed, err := j.Suppressed.Suppressed(ctx)
	if err != nil {
		return Result{}, err
	}
	// Every due date a threshold names for a day in [from, day].
	dues := map[string]bool{}
	for d := from; !d.After(day); d = d.AddDate(0, 0, 1) {
		for _, t := range j.Config.Thresholds {
			dues[d.AddDate(0, 0, -t).Format(dateLayout)] = true
		}
	}
	var res Result
	failed := false
	interval := time.Duration(float64(time.Second) / j.Config.SendRate)
	var lastSend time.Time
	for _, due := range sortedKeys(dues) {
		var accs []accounts.Account
		if err := j.Store.Query(ctx, "GSI3", store.KeyOnly("GSI3PK", "DUE#"+due), true, &accs); err != nil {
			return res, err
		}
		for _, acc := range accs {
			if acc.ReviewDueDate != due {
				continue // the index lags a due date that just moved
			}
			threshold, ok := j.latestPassed(due, day)
			if !ok {
				continue
			}
			if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < j.Config.Margin {
				j.Log.WarnContext(ctx, "reminders stopped before the deadline; the next run goes on", "sent", res.Sent)
				return res, j.markDone(ctx, st, from.AddDate(0, 0, -1))
			}
			var to []string
			for _, c := range acc.Contacts {
				if !suppressed[c] {
					to = append(to, c)
				}
			}
			if len(to) == 0 {
				res.Skipped++
				continue
			}
			// Each recipient's reminder is claimed on its own, so a send that
			// fails for one address is retried for that address alone.
			sentAny := false
			for _, addr := range to {
				claimed, err := j.claim(ctx, acc.ID, due, threshold, addr, day)
				if err != nil {
					return res, err
				}
				if !claimed {
					continue
				}
				if wait := interval - time.Since(lastSend); wait > 0 && !lastSend.IsZero() {
					j.Sleep(wait)
				}
				lastSend = time.Now()
				if err := j.send(ctx, acc, addr, due, threshold); err != nil {
					j.Log.ErrorContext(ctx, "reminder not sent; released for the next run", "account_id", acc.ID, "err", err.Error())
					if err := j.release(ctx, acc.ID, due, threshold, addr); err != nil {
						return res, err
					}
					failed = true
					continue
				}
				sentAny = true
			}
			if !sentAny {
				res.Skipped++
				continue
			}
			res.Sent++
		}
	}
	// A run with a failed send is not done: the next run looks at its whole
	// window again (claims keep what was sent from going twice).
	res.Complete = !failed
	done := day
	if failed {
		done = from.AddDate(0, 0, -1)
	}
	return res, j.markDone(ctx, st, done)
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
	return store.Key{PK: "ACCOUNT#" + acc, SK: fmt.Sprintf("REMIND#%s#%+d#%s", due, threshold, to)}
}

func (j *Job) claim(ctx context.Context, acc, due string, threshold int, to string, day time.Time) (bool, error) {
	cond := expression.AttributeNotExists(expression.Name("PK"))
	err := j.Store.Put(ctx, marker{Key: markerKey(acc, due, threshold, to), ClaimedFor: day.Format(dateLayout)}, &cond)
	if errors.Is(err, store.ErrConditionFailed) {
		return false, nil
	}
	return err == nil, err
}

func (j *Job) release(ctx context.Context, acc, due string, threshold int, to string) error {
	return j.Store.Delete(ctx, markerKey(acc, due, threshold, to), nil)
}

func (j *Job) send(ctx context.Context, acc accounts.Account, to, due string, threshold int) error {
	return j.Mail.Send(ctx, mail.Message{To: to, Template: "review_reminder", Data: map[string]any{
		"AccountName": acc.Name, "DueDate": due, "Days": abs(threshold), "Before": threshold < 0, "OnDay": threshold == 0,
		"Link": j.PortalURL + "/sign-in",
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
