package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/store"
)

// The statuses of an account. An account stored before the status existed
// has none and is active.
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
)

// State is the account's status, StatusActive when it has none.
func (a *Account) State() string {
	if a.Status == "" {
		return StatusActive
	}
	return a.Status
}

// IsSuspended reports whether the account is suspended.
func (a *Account) IsSuspended() bool { return a.Status == StatusSuspended }

// notSuspended is the condition that the account is not suspended.
func notSuspended() expression.ConditionBuilder {
	return expression.Or(expression.AttributeNotExists(expression.Name(attrStatus)),
		expression.Name(attrStatus).NotEqual(expression.Value(StatusSuspended)))
}

// Suspend marks account id suspended for reason as of at and takes it out
// of the due-date index, so the reminder job no longer reads it. It returns
// the account as it is afterwards; an account that does not exist or is
// suspended already is store.ErrConditionFailed.
func Suspend(ctx context.Context, st *store.Store, id, reason string, at time.Time) (*Account, error) {
	upd := expression.Set(expression.Name(attrStatus), expression.Value(StatusSuspended)).
		Set(expression.Name(attrSuspendedWhy), expression.Value(reason)).
		Set(expression.Name(attrSuspendedAt), expression.Value(at.UTC())).
		Remove(expression.Name(attrGSI3PK)).
		// Out of the directory of active accounts too: no freeze notices.
		Remove(expression.Name(attrGSI4PK)).Remove(expression.Name(attrGSI4SK))
	cond := expression.AttributeExists(expression.Name(store.AttrPK)).And(notSuspended())
	var after Account
	if err := st.Update(ctx, Key(id), upd, &cond, &after); err != nil {
		return nil, err
	}
	return &after, nil
}

// Reinstate makes the suspended account acc (as read) active again and
// files it back in the due-date index under its review due date. It returns
// the account as it is afterwards. It is store.ErrConditionFailed when the
// account is no longer suspended, or its due date is no longer the one read
// (read it again and retry).
func Reinstate(ctx context.Context, st *store.Store, acc *Account) (*Account, error) {
	upd := expression.Set(expression.Name(attrStatus), expression.Value(StatusActive)).
		Set(expression.Name(attrGSI3PK), expression.Value(dueKey(acc.ReviewDueDate))).
		Set(expression.Name(attrGSI3SK), expression.Value(acc.ID)).
		Set(expression.Name(attrGSI4PK), expression.Value(activeKey)).
		Set(expression.Name(attrGSI4SK), expression.Value(acc.ID)).
		Remove(expression.Name(attrSuspendedWhy)).Remove(expression.Name(attrSuspendedAt))
	cond := expression.Name(attrStatus).Equal(expression.Value(StatusSuspended)).
		And(expression.Name(attrReviewDueDate).Equal(expression.Value(acc.ReviewDueDate)))
	var after Account
	if err := st.Update(ctx, Key(acc.ID), upd, &cond, &after); err != nil {
		return nil, err
	}
	return &after, nil
}

// moveDueDate is MoveDueDate's one attempt: a suspended account keeps out
// of the due-date index (Reinstate files it under the date it then has),
// an active one moves its place with the date. The condition holds the due
// date and the status to what acc says.
func moveDueDate(ctx context.Context, st *store.Store, acc *Account, next string) error {
	upd := expression.Set(expression.Name(attrReviewDueDate), expression.Value(next))
	cond := expression.Name(attrReviewDueDate).Equal(expression.Value(acc.ReviewDueDate))
	if acc.IsSuspended() {
		cond = cond.And(expression.Name(attrStatus).Equal(expression.Value(StatusSuspended)))
	} else {
		upd = upd.Set(expression.Name(attrGSI3PK), expression.Value(dueKey(next)))
		cond = cond.And(notSuspended())
	}
	return st.Update(ctx, Key(acc.ID), upd, &cond, nil)
}

// MoveDueDate moves the account's review due date to next, if the due date
// is still acc.ReviewDueDate; otherwise store.ErrConditionFailed. An active
// account's place in the due-date index moves with it; a suspended one
// stays out of the index. A suspension or reinstatement landing meanwhile
// does not lose the move: it is tried again with the status read afresh.
func MoveDueDate(ctx context.Context, st *store.Store, acc *Account, next string) error {
	cur := acc
	for range 3 {
		err := moveDueDate(ctx, st, cur, next)
		if !errors.Is(err, store.ErrConditionFailed) {
			return err
		}
		fresh, found, gerr := Get(ctx, st, acc.ID)
		if gerr != nil {
			return gerr
		}
		if !found || fresh.ReviewDueDate != acc.ReviewDueDate {
			return err // the date itself moved: the caller's read is stale
		}
		cur = fresh
	}
	return fmt.Errorf("move due date of %s: the status kept changing: %w", acc.ID, store.ErrConditionFailed)
}

// ReplaceContacts is the account item's part of a transaction that changes
// several memberships at once (an owner handing over): the reminder
// contacts become next, on the condition that they are still asRead, and
// the owner count moves by delta, on the condition that it exists and, when
// delta lowers it, that at least one owner is left.
func ReplaceContacts(table, id string, asRead, next []string, delta int) (types.TransactWriteItem, error) {
	var upd expression.UpdateBuilder
	if len(next) == 0 {
		upd = expression.Remove(expression.Name(attrContacts))
	} else {
		upd = expression.Set(expression.Name(attrContacts), expression.Value(&types.AttributeValueMemberSS{Value: next}))
	}
	if delta != 0 {
		upd = upd.Add(expression.Name(attrOwners), expression.Value(delta))
	}
	cond := expression.AttributeExists(expression.Name(attrOwners))
	if len(asRead) == 0 {
		cond = cond.And(expression.AttributeNotExists(expression.Name(attrContacts)))
	} else {
		cond = cond.And(expression.Name(attrContacts).Equal(expression.Value(&types.AttributeValueMemberSS{Value: asRead})))
	}
	if delta < 0 {
		cond = cond.And(expression.Name(attrOwners).GreaterThan(expression.Value(-delta)))
	}
	return store.TxUpdate(table, Key(id), upd, &cond)
}
