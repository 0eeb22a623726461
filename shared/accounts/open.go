package accounts

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/store"
)

// OwnedAccount is a trade account to open with its first owner already a
// member, as approving a programme application does (CreateAccount, by
// contrast, invites the owner-to-be).
type OwnedAccount struct {
	// OrgID names an existing organisation the account joins; empty, a new
	// organisation named OrgName is founded with it.
	OrgID, OrgName      string
	Name, EntityType    string
	Programs            []string
	SpecialistID        string // empty: the shared pool
	ReviewDueDate       string // YYYY-MM-DD
	OwnerID, OwnerEmail string
}

// OpenItems are the writes that open the account oa describes, for the
// caller's transaction: the organisation (put when new, checked to exist
// when joined), the account with one owner, its summary in the
// organisation, and both sides of the owner's membership. It reads the
// organisation joined and the specialist named first, and answers one 400
// naming organizationId when there is no such organisation and specialistId
// when that user is not a Supply Chain Security Specialist. It returns the
// account as it will be stored: a new id, in the organisation founded or
// joined.
func (s *Service) OpenItems(ctx context.Context, oa OwnedAccount) (*account.Account, []types.TransactWriteItem, error) {
	org, orgItem, err := s.openOrganization(ctx, oa)
	if err != nil {
		return nil, nil, err
	}
	acc := &account.Account{
		ID: store.NewID(), OrgID: org.ID, OrgName: org.Name, Name: oa.Name, EntityType: oa.EntityType, Programs: oa.Programs,
		SpecialistID: oa.SpecialistID, ReviewDueDate: oa.ReviewDueDate, CreatedAt: s.Now().UTC(),
	}
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	putAcc, err := account.CreateOwned(s.Store.Table, acc, oa.OwnerEmail)
	if err != nil {
		return nil, nil, err
	}
	putSum, err := store.TxPut(s.Store.Table, Summary{Key: summaryKey(org.ID, acc.ID), AccountID: acc.ID, Name: acc.Name,
		EntityType: acc.EntityType, Programs: acc.Programs}, &notExists)
	if err != nil {
		return nil, nil, err
	}
	member, err := store.TxPut(s.Store.Table, Member{Key: memberKey(acc.ID, oa.OwnerID), UserID: oa.OwnerID, Email: oa.OwnerEmail,
		Role: Owner, JoinedAt: s.Now().UTC()}, &notExists)
	if err != nil {
		return nil, nil, err
	}
	mirror, err := identity.Memberships{Store: s.Store}.PutItem(oa.OwnerID, identity.Membership{OrgID: org.ID, OrgName: org.Name,
		AccountID: acc.ID, AccountName: acc.Name, Programs: acc.Programs, Role: Owner})
	if err != nil {
		return nil, nil, fmt.Errorf("open account: %w", err)
	}
	return acc, []types.TransactWriteItem{orgItem, putAcc, putSum, member, mirror}, nil
}

// openOrganization checks what oa names — the organisation joined, the
// specialist — and returns the organisation the account goes in with its
// transaction item: a put of a new one, or a check that the one joined
// still exists. Both wrong is one 400 naming both.
func (s *Service) openOrganization(ctx context.Context, oa OwnedAccount) (*Organization, types.TransactWriteItem, error) {
	var fields problems
	org := &Organization{ID: store.NewID(), Name: oa.OrgName, CreatedAt: s.Now().UTC()}
	if oa.OrgID != "" {
		found, err := s.organization(ctx, oa.OrgID)
		switch {
		case fault.Is(err, fault.NotFound):
			fields.Add("organizationId", "is not an organisation")
		case err != nil:
			return nil, types.TransactWriteItem{}, err
		default:
			org = found
		}
	}
	if oa.SpecialistID != "" {
		sp, err := s.Users.Get(ctx, oa.SpecialistID)
		switch {
		case fault.Is(err, fault.NotFound) || err == nil && sp.StaffRole != identity.SCSS:
			fields.Add("specialistId", "is not a Supply Chain Security Specialist")
		case err != nil:
			return nil, types.TransactWriteItem{}, err
		}
	}
	if err := fields.Err(); err != nil {
		return nil, types.TransactWriteItem{}, err
	}
	if oa.OrgID != "" {
		item, err := store.TxCheck(s.Store.Table, orgKey(org.ID), expression.AttributeExists(expression.Name(store.AttrPK)))
		return org, item, err
	}
	org.Key = orgKey(org.ID)
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	item, err := store.TxPut(s.Store.Table, org, &notExists)
	return org, item, err
}
