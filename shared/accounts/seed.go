package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/nameindex"
	"github.com/partner-portal/portal/shared/store"
)

// SeedAccount writes an organisation and an account with fixed ids, and
// makes the given users members, for demo data. What exists is left alone,
// so running it again changes nothing.
func (s *Service) SeedAccount(ctx context.Context, org Organization, acc account.Account, members []SeedMember) error {
	org.Key, org.Entry = orgKey(org.ID), nameindex.For(orgDirectory, org.Name, org.ID)
	org.CreatedAt = s.Now().UTC()
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	if err := s.Store.Put(ctx, org, &notExists); err != nil && !errors.Is(err, store.ErrConditionFailed) {
		return fmt.Errorf("seed organisation: %w", err)
	}
	acc.OrgID, acc.OrgName, acc.CreatedAt = org.ID, org.Name, s.Now().UTC()
	putAcc, err := account.Create(s.Store.Table, &acc) // no owners: AddMember below counts them in
	if err != nil {
		return err
	}
	putSum, err := store.TxPut(s.Store.Table, Summary{Key: summaryKey(org.ID, acc.ID), AccountID: acc.ID, Name: acc.Name,
		EntityType: acc.EntityType, Programs: acc.Programs}, nil)
	if err != nil {
		return err
	}
	if err := s.Store.Transact(ctx, []types.TransactWriteItem{putAcc, putSum}); err != nil && !errors.Is(err, store.ErrConditionFailed) {
		return fmt.Errorf("seed account: %w", err)
	}
	for _, m := range members {
		if err := s.AddMember(ctx, acc.ID, m.UserID, m.Email, m.Role); err != nil {
			return err
		}
	}
	return nil
}

// AddMember makes a user a member of the account with role, without an
// invitation: for seeding and tests. Adding again keeps the higher of the
// two roles, as accepting an invitation does.
func (s *Service) AddMember(ctx context.Context, accountID, userID, email, role string) error {
	acc, err := s.account(ctx, accountID)
	if err != nil {
		return err
	}
	_, items, err := s.memberItems(ctx, acc, userID, email, role)
	if err != nil {
		return err
	}
	if err := s.Store.Transact(ctx, items); err != nil {
		return fmt.Errorf("add member %s: %w", email, err)
	}
	return nil
}

// SeedMember is a user to make a member when seeding.
type SeedMember struct {
	UserID, Email, Role string
}
