package notice

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/reminder"
	"github.com/partner-portal/portal/shared/store"
)

const freezePartition = "FREEZE"

var errFreezeNotFound = fault.New(fault.NotFound, "freeze_not_found", "no such freeze")

// CreateFreeze records a freeze window (version 1) and, in the same
// transaction, queues its notice to the owners and points of contact of
// every active account. It takes effect in this process at once.
func (s *Service) CreateFreeze(ctx context.Context, by string, f Freeze) (*Freeze, error) {
	f.ID, f.CreatedBy, f.Version = store.NewID(), by, 1
	f.Key = store.Key{PK: freezePartition, SK: f.StartsAt.UTC().Format(sortKey) + "#" + f.ID}
	f.ExpiresAt = f.EndsAt.Add(24 * time.Hour).Unix()
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	put, err := store.TxPut(s.Store.Table, f, &notExists)
	if err != nil {
		return nil, err
	}
	if err := s.withNotice(ctx, put, f, reminder.FreezeCreated, nil); err != nil {
		return nil, fmt.Errorf("create freeze: %w", err)
	}
	s.forget()
	s.record(ctx, by, audit.FreezeCreated, map[string]string{"freezeId": f.ID,
		"startsAt": f.StartsAt.Format(time.RFC3339), "endsAt": f.EndsAt.Format(time.RFC3339)})
	return &f, nil
}

// withNotice writes change and queues the notice of kind about f (was: the
// window before a reschedule) in one transaction.
func (s *Service) withNotice(ctx context.Context, change types.TransactWriteItem, f Freeze, kind string, was *Freeze) error {
	n := reminder.Notice{Kind: kind, FreezeID: f.ID, StartsAt: f.StartsAt, EndsAt: f.EndsAt, Message: f.Message, CreatedAt: s.Now().UTC()}
	if was != nil {
		n.WasStartsAt, n.WasEndsAt = &was.StartsAt, &was.EndsAt
	}
	queue, err := reminder.NoticeItem(s.Store.Table, n)
	if err != nil {
		return err
	}
	return s.Store.Transact(ctx, []types.TransactWriteItem{change, queue})
}

// freeze finds a freeze by id.
func (s *Service) freeze(ctx context.Context, id string) (*Freeze, error) {
	all, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	for _, f := range all {
		if f.ID == id {
			return &f, nil
		}
	}
	return nil, errFreezeNotFound
}

// RescheduleFreeze applies a validated edit made on version e.Version of a
// freeze that has not ended: 409 version_conflict when it changed since. A
// moved window queues the notice "the freeze has been rescheduled" in the
// same transaction; a new message alone mails no one. It takes effect in
// this process at once.
func (s *Service) RescheduleFreeze(ctx context.Context, by, id string, e FreezeEdit) (*Freeze, error) {
	cur, err := s.freeze(ctx, id)
	if err != nil {
		return nil, err
	}
	if !cur.EndsAt.After(s.Now()) {
		return nil, fault.New(fault.Conflict, "freeze_ended", "this freeze has ended; make a new one")
	}
	if cur.Version != *e.Version {
		return nil, errFreezeConflict
	}
	next, err := e.apply(*cur, s.Now())
	if err != nil {
		return nil, err
	}
	next.Version, next.ExpiresAt = cur.Version+1, next.EndsAt.Add(24*time.Hour).Unix()
	if err := s.putRescheduled(ctx, *cur, next); errors.Is(err, store.ErrConditionFailed) {
		return nil, errFreezeConflict
	} else if err != nil {
		return nil, err
	}
	s.forget()
	s.record(ctx, by, audit.FreezeRescheduled, freezeChanges(*cur, next))
	return &next, nil
}

var errFreezeConflict = fault.New(fault.Conflict, "version_conflict", "someone changed this freeze since you read it; reload it and try again")

// putRescheduled writes next on the condition that cur's version is still
// stored, with the notice when the window moved.
func (s *Service) putRescheduled(ctx context.Context, cur, next Freeze) error {
	cond := expression.AttributeNotExists(expression.Name("version"))
	if cur.Version > 0 {
		cond = expression.Name("version").Equal(expression.Value(cur.Version))
	}
	cond = expression.AttributeExists(expression.Name(store.AttrPK)).And(cond)
	if next.StartsAt.Equal(cur.StartsAt) && next.EndsAt.Equal(cur.EndsAt) {
		return s.Store.Put(ctx, next, &cond)
	}
	put, err := store.TxPut(s.Store.Table, next, &cond)
	if err != nil {
		return err
	}
	return s.withNotice(ctx, put, next, reminder.FreezeRescheduled, &cur)
}

// DeleteFreeze lifts a freeze; one that has not ended queues the notice
// that it was lifted, in the same transaction. It takes effect in this
// process at once.
func (s *Service) DeleteFreeze(ctx context.Context, by, id string) error {
	f, err := s.freeze(ctx, id)
	if err != nil {
		return err
	}
	exists := expression.AttributeExists(expression.Name(store.AttrPK))
	if !f.EndsAt.After(s.Now()) {
		err = s.Store.Delete(ctx, f.Key, &exists)
	} else {
		var del types.TransactWriteItem
		if del, err = store.TxDelete(s.Store.Table, f.Key, &exists); err == nil {
			err = s.withNotice(ctx, del, *f, reminder.FreezeLifted, nil)
		}
	}
	if errors.Is(err, store.ErrConditionFailed) {
		err = nil // lifted by someone else meanwhile, who sends the notice
	}
	if err != nil {
		return err
	}
	s.forget()
	s.record(ctx, by, audit.FreezeLifted, map[string]string{"freezeId": f.ID,
		"startsAt": f.StartsAt.Format(time.RFC3339), "endsAt": f.EndsAt.Format(time.RFC3339)})
	return nil
}

// freezeChanges names each field that differs, before and after.
func freezeChanges(a, b Freeze) map[string]string {
	out := map[string]string{"freezeId": a.ID}
	field := func(name, before, after string) {
		if before != after {
			out[name+".before"], out[name+".after"] = before, after
		}
	}
	field("startsAt", a.StartsAt.Format(time.RFC3339), b.StartsAt.Format(time.RFC3339))
	field("endsAt", a.EndsAt.Format(time.RFC3339), b.EndsAt.Format(time.RFC3339))
	field("message", a.Message, b.Message)
	return out
}
