package accounts

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/store"
)

// The rule that an account keeps an owner holds in the store, not in a read
// before the write: the account item counts its owners (Account.Owners), and
// every write of a membership is one transaction that
//
//   - is conditional on the membership as it was read (absent, or this role),
//     so two changes of one membership cannot both land;
//   - moves the counter by the change in owners, on the condition that the
//     counter exists and that a decrement leaves at least one owner;
//   - when an owner acts, checks that they still are one.
//
// So of two owners removing each other at once one succeeds and the other
// gets 409 last_owner.

var (
	errLastOwner         = fault.New(fault.Conflict, "last_owner", "an account needs an owner: make someone else owner first")
	errMembershipChanged = fault.New(fault.Conflict, "membership_changed", "this membership changed meanwhile; reload and try again")
)

// outranks reports whether role a carries more authority than role b.
func outranks(a, b string) bool { return slices.Index(Roles, a) < slices.Index(Roles, b) }

// member reads one membership, strongly consistent.
func (s *Service) member(ctx context.Context, accountID, userID string) (*Member, bool, error) {
	var m Member
	found, err := s.Store.Get(ctx, memberKey(accountID, userID), &m)
	if err != nil {
		return nil, false, fmt.Errorf("read membership: %w", err)
	}
	return &m, found, nil
}

// ensureOwnerCount gives acc its owners counter if it has none (an account
// made before the counter existed). Every membership write requires the
// counter, so while it is missing no membership changes and a consistent
// count of the members is exact; it is written only if no one wrote it
// first.
func (s *Service) ensureOwnerCount(ctx context.Context, acc *account.Account) error {
	if acc.Owners != nil {
		return nil
	}
	items, err := s.Store.QueryItemsConsistent(ctx, store.KeyPrefix("PK", account.Partition(acc.ID), "SK", "MEMBER#"))
	if err != nil {
		return fmt.Errorf("count owners: %w", err)
	}
	n := 0
	for _, item := range items {
		var m Member
		if err := unmarshal(item, &m); err != nil {
			return err
		}
		if m.Role == Owner {
			n++
		}
	}
	err = account.CountOwners(ctx, s.Store, acc.ID, n)
	if errors.Is(err, store.ErrConditionFailed) {
		fresh, err := s.account(ctx, acc.ID)
		if err != nil {
			return err
		}
		if fresh.Owners == nil {
			return errAccountNotFound
		}
		acc.Owners = fresh.Owners
		return nil
	}
	if err != nil {
		return fmt.Errorf("count owners: %w", err)
	}
	acc.Owners = &n
	return nil
}

// accountSide is the account item's part of a membership write: email into
// the reminder contacts (owners and POCs) or out of them (users, and anyone
// leaving), and the owners counter moved by delta, which must leave an
// owner when it lowers it.
func (s *Service) accountSide(accountID, email, role string, delta int) (types.TransactWriteItem, error) {
	return account.MembershipChange(s.Store.Table, accountID, email, role == Owner || role == POC, delta)
}

// hasRole is the condition that a membership exists with role.
func hasRole(role string) expression.ConditionBuilder {
	return expression.Name("role").Equal(expression.Value(role))
}

// changeMembership runs the writes of a change to userID's membership made
// by p: items are the membership, its mirror and the account side
// (accountSide), in that order, and delta what they do to the owners
// counter. An owner acting on someone else must still be an owner when it
// lands. A failed condition is answered with what stopped it.
func (s *Service) changeMembership(ctx context.Context, p Principal, accountID, userID string, delta int, items []types.TransactWriteItem) error {
	if !p.Staff() && p.UserID != userID {
		check, err := store.TxCheck(s.Store.Table, memberKey(accountID, p.UserID), hasRole(Owner))
		if err != nil {
			return err
		}
		items = append(items, check)
	}
	err := s.Store.Transact(ctx, items)
	var te *store.TxError
	if err == nil || !errors.As(err, &te) || !errors.Is(err, store.ErrConditionFailed) {
		return err
	}
	switch {
	case te.FailedAt(2) && delta < 0:
		return errLastOwner
	case te.FailedAt(3):
		return errForbidden // the actor stopped being an owner meanwhile
	}
	if _, found, err := s.member(ctx, accountID, userID); err == nil && !found {
		return errMemberNotFound
	}
	return errMembershipChanged
}
