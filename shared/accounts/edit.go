package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/store"
)

var errAccountChanged = fault.New(fault.Conflict, "account_changed", "someone changed this account meanwhile; reload it and make your change again")

// EditAccount applies an admin's changes to the account: its name, entity
// type, programmes and review due date. In one transaction, on the
// condition that each changed field is still as read: the account (its
// due-date and name index entries move with it), its summary in the
// organisation and the audit event with every field before and after.
// The members' copies of the name and programmes follow.
func (s *Service) EditAccount(ctx context.Context, p Principal, accountID string, ch account.Changes) (*account.Account, error) {
	if err := Decide(p, Administer, true, ""); err != nil {
		return nil, err
	}
	acc, err := s.account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	ch = unchangedDropped(acc, ch)
	details := changeDetails(acc, ch)
	if len(details) == 0 {
		return acc, nil
	}
	items, err := s.editItems(ctx, p, acc, ch, details)
	if err != nil {
		return nil, err
	}
	err = s.Store.Transact(ctx, items)
	var te *store.TxError
	switch {
	case errors.As(err, &te) && te.FailedAt(0):
		return nil, errAccountChanged
	case err != nil:
		return nil, fmt.Errorf("edit account: %w", err)
	}
	after := ch.Apply(*acc)
	if ch.Name != nil || len(ch.Programs) > 0 {
		s.copyToMembers(ctx, &after)
	}
	return &after, nil
}

// editItems are the edit's writes: the account (0), its summary (1), the
// audit event.
func (s *Service) editItems(ctx context.Context, p Principal, acc *account.Account, ch account.Changes, details map[string]string) ([]types.TransactWriteItem, error) {
	edit, err := account.Edit(s.Store.Table, acc, ch)
	if err != nil {
		return nil, err
	}
	after := ch.Apply(*acc)
	exists := expression.AttributeExists(expression.Name(store.AttrPK))
	sum, err := store.TxUpdate(s.Store.Table, summaryKey(acc.OrgID, acc.ID), expression.Set(expression.Name("name"), expression.Value(after.Name)).
		Set(expression.Name("entityType"), expression.Value(after.EntityType)).Set(expression.Name("programs"), expression.Value(after.Programs)), &exists)
	if err != nil {
		return nil, err
	}
	put, err := s.Audit.Put(ctx, s.event(ctx, p, acc.ID, audit.Event{Action: audit.AccountEdited, Details: details}))
	if err != nil {
		return nil, err
	}
	return []types.TransactWriteItem{edit, sum, put}, nil
}

// unchangedDropped is ch without the fields that would not change.
func unchangedDropped(acc *account.Account, ch account.Changes) account.Changes {
	same := func(p *string, v string) *string {
		if p != nil && *p == v {
			return nil
		}
		return p
	}
	ch.Name, ch.EntityType, ch.ReviewDueDate = same(ch.Name, acc.Name), same(ch.EntityType, acc.EntityType), same(ch.ReviewDueDate, acc.ReviewDueDate)
	if strings.Join(ch.Programs, ",") == strings.Join(acc.Programs, ",") {
		ch.Programs = nil
	}
	return ch
}

// changeDetails are an edit's audit details: each changed field before
// and after.
func changeDetails(acc *account.Account, ch account.Changes) map[string]string {
	after := ch.Apply(*acc)
	d := map[string]string{}
	add := func(field, before, next string) {
		d["before."+field], d["after."+field] = before, next
	}
	if ch.Name != nil {
		add("name", acc.Name, after.Name)
	}
	if ch.EntityType != nil {
		add("entityType", acc.EntityType, after.EntityType)
	}
	if len(ch.Programs) > 0 {
		add("programs", strings.Join(acc.Programs, ","), strings.Join(after.Programs, ","))
	}
	if ch.ReviewDueDate != nil {
		add("reviewDueDate", acc.ReviewDueDate, after.ReviewDueDate)
	}
	return d
}

// copyToMembers copies the account's name and programmes into its members'
// memberships (what /v1/me lists), one write each. A failure is logged: the
// account itself has changed.
func (s *Service) copyToMembers(ctx context.Context, acc *account.Account) {
	members, err := s.members(ctx, acc.ID)
	for _, m := range members {
		if err == nil {
			err = identity.Memberships{Store: s.Store}.SetAccount(ctx, m.UserID, acc.ID, acc.Name, acc.Programs)
		}
	}
	if err != nil {
		s.Log.ErrorContext(ctx, "members' copies of an edited account not all updated", "account_id", acc.ID, "err", err.Error())
	}
}

// event is e by p about the account, as record writes it, for a
// transaction.
func (s *Service) event(ctx context.Context, p Principal, accountID string, e audit.Event) audit.Event {
	e.UserID, e.ActorID, e.AccountID, e.At = p.UserID, p.UserID, accountID, s.Now()
	if ip, ua, ok := clientFrom(ctx); ok {
		e.IP, e.UserAgent = ip, ua
	}
	return e
}

var errNotSpecialist = fault.Field("specialistId", "is not an active Supply Chain Security Specialist")

// AssignSpecialist assigns the account to the specialist specialistID, or
// to the shared pool when it is empty (admins). While its profile waits for
// review, it moves to the new specialist's queue in the same write. The
// write is conditional on the specialist and the queue as read, and tried
// again on a fresh read if either moved meanwhile.
func (s *Service) AssignSpecialist(ctx context.Context, p Principal, accountID, specialistID string) (*account.Account, error) {
	if err := Decide(p, Administer, true, ""); err != nil {
		return nil, err
	}
	if specialistID != "" {
		sp, err := s.Users.Get(ctx, specialistID)
		if err != nil || sp.StaffRole != identity.SCSS || sp.Status != identity.Active {
			return nil, errNotSpecialist
		}
	}
	for range 3 {
		acc, err := s.account(ctx, accountID)
		if err != nil || acc.SpecialistID == specialistID {
			return acc, err
		}
		err = s.assign(ctx, p, acc, specialistID)
		var te *store.TxError
		if errors.As(err, &te) && te.FailedAt(0) {
			continue // a submission or another assignment landed since the read
		}
		if err != nil {
			return nil, err
		}
		// The other programmes' profiles waiting for review follow.
		if err := account.RequeueProfiles(ctx, s.Store, acc, specialistID); err != nil {
			return nil, err
		}
		acc.SpecialistID = specialistID
		return acc, nil
	}
	return nil, errAccountChanged
}

// assign writes the assignment and its audit event.
func (s *Service) assign(ctx context.Context, p Principal, acc *account.Account, specialistID string) error {
	upd, err := account.AssignSpecialist(s.Store.Table, acc, specialistID)
	if err != nil {
		return err
	}
	details := map[string]string{"before.specialistId": acc.SpecialistID, "after.specialistId": specialistID,
		"reviewQueueMoved": fmt.Sprint(acc.QueueKey != "")}
	put, err := s.Audit.Put(ctx, s.event(ctx, p, acc.ID, audit.Event{Action: audit.SpecialistAssigned, Details: details}))
	if err != nil {
		return err
	}
	return s.Store.Transact(ctx, []types.TransactWriteItem{upd, put})
}

// withoutStaffIDs is an event's details without the staff user ids that
// a specialist's assignment records, for the account's partners.
func withoutStaffIDs(d map[string]string) map[string]string {
	var out map[string]string
	for k, v := range d {
		if strings.HasSuffix(k, "specialistId") {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	return out
}
