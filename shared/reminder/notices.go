package reminder

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/store"
)

// What happened to a data freeze, as a Notice tells it.
const (
	FreezeCreated     = "created"
	FreezeRescheduled = "rescheduled"
	FreezeLifted      = "lifted"
)

// Notice is a change of a data freeze to mail, once, to the owners and
// points of contact of every active account: queued in the transaction of
// the change itself, sent by the job (the daily schedule, or an admin's
// run) at the job's pace, each recipient claimed before sending so that
// reruns and people who are contacts of several accounts get it once.
type Notice struct {
	store.Key
	ID       string    `dynamodbav:"id"`
	Kind     string    `dynamodbav:"kind"` // FreezeCreated, FreezeRescheduled or FreezeLifted
	FreezeID string    `dynamodbav:"freezeId"`
	StartsAt time.Time `dynamodbav:"startsAt"`
	EndsAt   time.Time `dynamodbav:"endsAt"`
	Message  string    `dynamodbav:"message"`
	// WasStartsAt and WasEndsAt are the window before a reschedule.
	WasStartsAt *time.Time `dynamodbav:"wasStartsAt,omitempty"`
	WasEndsAt   *time.Time `dynamodbav:"wasEndsAt,omitempty"`
	CreatedAt   time.Time  `dynamodbav:"createdAt"`
	Status      string     `dynamodbav:"status"` // pending until every contact was handled, then sent
	// After is the last account (in id order) whose contacts were all
	// handled: a run that stopped goes on from there.
	After     string `dynamodbav:"after,omitempty"`
	Sent      int    `dynamodbav:"sent"`
	ExpiresAt int64  `dynamodbav:"expiresAt"`
}

const (
	noticePartition = "NOTICEMAIL"
	noticePending   = "pending"
	noticeSent      = "sent"
	// noticeKeep is how long a notice and its claims are kept.
	noticeKeep = 30 * 24 * time.Hour
	// noticePage is how many accounts one directory read takes.
	noticePage = 100
)

func noticeKey(n *Notice) store.Key {
	return store.Key{PK: noticePartition, SK: n.CreatedAt.UTC().Format(time.RFC3339Nano) + "#" + n.ID}
}

// noticeClaim records that a notice went (or is going) to one address.
type noticeClaim struct {
	store.Key
	ExpiresAt int64 `dynamodbav:"expiresAt"`
}

func noticeClaimKey(id, to string) store.Key {
	return store.Key{PK: noticePartition + "#" + id, SK: to}
}

// NoticeItem is the transaction item that queues n (its id, status and
// expiry filled in here), for the transaction of the freeze change it tells
// of: the mail goes out exactly when the change is made.
func NoticeItem(table string, n Notice) (types.TransactWriteItem, error) {
	n.ID, n.Status, n.After, n.Sent = store.NewID(), noticePending, "", 0
	n.Key, n.ExpiresAt = noticeKey(&n), n.CreatedAt.Add(noticeKeep).Unix()
	cond := expression.AttributeNotExists(expression.Name(store.AttrPK))
	return store.TxPut(table, n, &cond)
}

// SendNotices mails every pending notice, oldest first, to the contacts of
// every active account, minus suppressed addresses; Result counts emails.
// A send that fails is released and the notice stays pending from the last
// account fully handled, so the next run retries it; one that stops before
// the deadline goes on from there too.
func (j *Job) SendNotices(ctx context.Context) (Result, error) {
	pending, err := j.pendingNotices(ctx)
	if err != nil || len(pending) == 0 {
		return Result{Complete: err == nil}, err
	}
	suppressed, err := j.Suppressed.Suppressed(ctx)
	if err != nil {
		return Result{}, err
	}
	p := &pass{suppressed: suppressed, pace: pacer{interval: time.Duration(float64(time.Second) / j.Config.SendRate), sleep: j.Sleep}}
	for i := range pending {
		stopped, err := j.mailNotice(ctx, p, &pending[i])
		if err != nil {
			return p.res, err
		}
		if stopped {
			j.Log.WarnContext(ctx, "notice mail stopped before the deadline; the next run goes on", "sent", p.res.Sent)
			return p.res, nil
		}
	}
	p.res.Complete = !p.failed
	return p.res, nil
}

// pendingNotices reads the queue (a few items a month; sent ones expire).
func (j *Job) pendingNotices(ctx context.Context) ([]Notice, error) {
	var all []Notice
	if err := j.Store.Query(ctx, "", store.KeyOnly(store.AttrPK, noticePartition), true, &all); err != nil {
		return nil, fmt.Errorf("read notices: %w", err)
	}
	return slices.DeleteFunc(all, func(n Notice) bool { return n.Status != noticePending }), nil
}

// mailNotice walks the directory of active accounts after n.After, a page
// at a time, mailing each contact; the progress is saved after every page.
func (j *Job) mailNotice(ctx context.Context, p *pass, n *Notice) (stopped bool, err error) {
	failed, cursor := false, n.After
	for {
		accs, more, err := account.Active(ctx, j.Store, cursor, noticePage)
		if err != nil {
			return false, err
		}
		for _, acc := range accs {
			if j.nearDeadline(ctx) {
				return true, j.saveNotice(ctx, n, false)
			}
			f, err := j.noticeAccount(ctx, p, n, acc)
			if err != nil {
				return false, err
			}
			if failed = failed || f; !failed {
				n.After = acc.ID // everything up to here was handled
			}
			cursor = acc.ID
		}
		if !more || len(accs) == 0 {
			break
		}
		if err := j.saveNotice(ctx, n, false); err != nil {
			return false, err
		}
	}
	p.failed = p.failed || failed
	return false, j.saveNotice(ctx, n, !failed)
}

// noticeAccount mails n to each of the account's contacts not suppressed
// and not yet mailed; failed is whether a send failed (and was released).
func (j *Job) noticeAccount(ctx context.Context, p *pass, n *Notice, acc account.Account) (failed bool, err error) {
	for _, contact := range acc.Contacts {
		addr, err := mail.Normalize(contact)
		if err != nil {
			continue // not an address anyone could be mailed at
		}
		if p.suppressed[addr] {
			p.res.Skipped++
			continue
		}
		claimed, err := j.claimNotice(ctx, n, addr)
		if err != nil {
			return failed, err
		}
		if !claimed {
			continue // mailed already: by an earlier run, or as a contact of another account
		}
		p.pace.wait()
		if err := j.Mail.Send(ctx, noticeMessage(n, addr, j.PortalURL)); err != nil {
			j.Log.ErrorContext(ctx, "notice not sent; released for the next run", "notice_id", n.ID, "err", err.Error())
			if err := j.Store.Delete(ctx, noticeClaimKey(n.ID, addr), nil); err != nil {
				return failed, err
			}
			failed = true
			continue
		}
		n.Sent++
		p.res.Sent++
	}
	return failed, nil
}

// claimNotice claims (n, addr) for sending; false when it was claimed before.
func (j *Job) claimNotice(ctx context.Context, n *Notice, addr string) (bool, error) {
	cond := expression.AttributeNotExists(expression.Name(store.AttrPK))
	err := j.Store.Put(ctx, noticeClaim{Key: noticeClaimKey(n.ID, addr), ExpiresAt: n.ExpiresAt}, &cond)
	if errors.Is(err, store.ErrConditionFailed) {
		return false, nil
	}
	return err == nil, err
}

// saveNotice records n's progress, and that it was sent to everyone when
// done.
func (j *Job) saveNotice(ctx context.Context, n *Notice, done bool) error {
	upd := expression.Set(expression.Name("after"), expression.Value(n.After)).Set(expression.Name("sent"), expression.Value(n.Sent))
	if done {
		upd = upd.Set(expression.Name("status"), expression.Value(noticeSent))
	}
	if err := j.Store.Update(ctx, n.Key, upd, nil, nil); err != nil {
		return fmt.Errorf("save notice progress: %w", err)
	}
	return nil
}

// noticeTime is how the mails show a time: in UTC, to the minute.
const noticeTime = "Monday 2 January 2006, 15:04 UTC"

// noticeMessage is n's email to one recipient.
func noticeMessage(n *Notice, to, portalURL string) mail.Message {
	data := map[string]any{
		"Rescheduled": n.Kind == FreezeRescheduled, "Lifted": n.Kind == FreezeLifted,
		"StartsAt": n.StartsAt.UTC().Format(noticeTime), "EndsAt": n.EndsAt.UTC().Format(noticeTime),
		"WasStartsAt": "", "WasEndsAt": "", "Message": n.Message, "Link": portalURL + "/dashboard",
	}
	if n.WasStartsAt != nil && n.WasEndsAt != nil {
		data["WasStartsAt"], data["WasEndsAt"] = n.WasStartsAt.UTC().Format(noticeTime), n.WasEndsAt.UTC().Format(noticeTime)
	}
	return mail.Message{To: to, Template: "freeze_notice", Data: data}
}
