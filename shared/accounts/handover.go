package accounts

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/store"
)

// An approved AO change that names a new owner completes when its invitee
// accepts: in the one transaction that makes them an owner, every other
// owner of the account becomes a plain user or leaves, as the application
// said. The transaction holds each of those memberships to the owner role
// it was read with, the account's contacts to what was read, and moves the
// owners counter by the difference (+1 for the invitee, -1 for each previous
// owner) on the condition that an owner is left; so an owner who leaves or
// is demoted meanwhile makes it fail and be tried again on what is then
// there, and the account never has no owner.

// handover is what accepting an AO-change invitation did to the owners.
type handover struct {
	previous []Member // the owners before, other than the invitee
	became   string   // PreviousOwnerUser or PreviousOwnerLeave
}

// handoverItems are the writes that make userID (email) an owner of acc and
// every other owner a plain user (became is PreviousOwnerUser) or not a
// member (PreviousOwnerLeave), and mark the AO change requestID completed.
// They read the account, its members and its owners counter afresh.
func (s *Service) handoverItems(ctx context.Context, accountID, userID, email, became, requestID string) (*identity.Membership, []types.TransactWriteItem, *handover, error) {
	acc, err := s.account(ctx, accountID)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := s.ensureOwnerCount(ctx, acc); err != nil {
		return nil, nil, nil, err
	}
	members, err := s.membersConsistent(ctx, accountID)
	if err != nil {
		return nil, nil, nil, err
	}
	m := &identity.Membership{OrgID: acc.OrgID, OrgName: acc.OrgName, AccountID: acc.ID,
		AccountName: acc.Name, Programs: acc.Programs, Role: Owner}
	mirrors := identity.Memberships{Store: s.Store}
	items, delta, err := s.newOwnerItems(acc, members, userID, email, m, mirrors)
	if err != nil {
		return nil, nil, nil, err
	}
	contacts := slices.Clone(acc.Contacts)
	if !slices.Contains(contacts, email) {
		contacts = append(contacts, email)
	}
	h := &handover{became: became}
	previous, err := s.previousOwnerItems(acc, members, userID, became, mirrors)
	if err != nil {
		return nil, nil, nil, err
	}
	items = append(items, previous...)
	for _, o := range members {
		if o.Role == Owner && o.UserID != userID {
			contacts = slices.DeleteFunc(contacts, func(c string) bool { return c == o.Email })
			h.previous = append(h.previous, o)
			delta--
		}
	}
	side, err := account.ReplaceContacts(s.Store.Table, acc.ID, acc.Contacts, contacts, delta)
	if err != nil {
		return nil, nil, nil, err
	}
	completed, err := s.completeOwnerChange(requestID, userID)
	if err != nil {
		return nil, nil, nil, err
	}
	return m, append(items, side, completed), h, nil
}

// newOwnerItems are the writes that make userID (email) an owner of acc:
// a check that it still is one, or its membership (both sides) put or
// raised; delta is how the owners counter moves.
func (s *Service) newOwnerItems(acc *account.Account, members []Member, userID, email string, m *identity.Membership,
	mirrors identity.Memberships) ([]types.TransactWriteItem, int, error) {
	i := slices.IndexFunc(members, func(m Member) bool { return m.UserID == userID })
	if i >= 0 && members[i].Role == Owner {
		keep, err := store.TxCheck(s.Store.Table, memberKey(acc.ID, userID), hasRole(Owner))
		return []types.TransactWriteItem{keep}, 0, err
	}
	var member types.TransactWriteItem
	var err error
	if i >= 0 {
		member, err = store.TxUpdate(s.Store.Table, memberKey(acc.ID, userID),
			expression.Set(expression.Name("role"), expression.Value(Owner)), new(hasRole(members[i].Role)))
	} else {
		notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
		member, err = store.TxPut(s.Store.Table, Member{Key: memberKey(acc.ID, userID), UserID: userID, Email: email,
			Role: Owner, JoinedAt: s.Now().UTC()}, &notExists)
	}
	if err != nil {
		return nil, 0, err
	}
	mirror, err := mirrors.PutItem(userID, *m)
	if err != nil {
		return nil, 0, err
	}
	return []types.TransactWriteItem{member, mirror}, 1, nil
}

// previousOwnerItems are the writes that make every owner of acc but
// userID a plain user, or remove them (became is PreviousOwnerLeave), on
// both sides of their membership.
func (s *Service) previousOwnerItems(acc *account.Account, members []Member, userID, became string,
	mirrors identity.Memberships) ([]types.TransactWriteItem, error) {
	var items []types.TransactWriteItem
	for _, o := range members {
		if o.Role != Owner || o.UserID == userID {
			continue
		}
		var member, mirror types.TransactWriteItem
		var err error
		if became == PreviousOwnerLeave {
			member, err = store.TxDelete(s.Store.Table, memberKey(acc.ID, o.UserID), new(hasRole(Owner)))
			if err == nil {
				mirror, err = mirrors.DeleteItem(o.UserID, acc.ID)
			}
		} else {
			member, err = store.TxUpdate(s.Store.Table, memberKey(acc.ID, o.UserID),
				expression.Set(expression.Name("role"), expression.Value(User)), new(hasRole(Owner)))
			if err == nil {
				mirror, err = mirrors.SetRoleItem(o.UserID, acc.ID, User)
			}
		}
		if err != nil {
			return nil, err
		}
		items = append(items, member, mirror)
	}
	return items, nil
}

// membersConsistent reads the account's members, strongly consistent.
func (s *Service) membersConsistent(ctx context.Context, accountID string) ([]Member, error) {
	rows, err := s.Store.QueryItemsConsistent(ctx, store.KeyPrefix("PK", account.Partition(accountID), "SK", "MEMBER#"))
	if err != nil {
		return nil, err
	}
	members := make([]Member, 0, len(rows))
	for _, row := range rows {
		var m Member
		if err := unmarshal(row, &m); err != nil {
			return nil, err
		}
		members = append(members, m)
	}
	return members, nil
}

// completeOwnerChange is the transaction item that records on the approved
// AO change requestID that userID accepted it.
func (s *Service) completeOwnerChange(requestID, userID string) (types.TransactWriteItem, error) {
	upd := expression.Set(expression.Name("completedBy"), expression.Value(userID)).
		Set(expression.Name("completedAt"), expression.Value(s.Now().UTC()))
	cond := expression.Name("status").Equal(expression.Value("approved"))
	return store.TxUpdate(s.Store.Table, ocrKey(requestID), upd, &cond)
}

// recordHandover audits a completed AO change: the owners before and after.
func (s *Service) recordHandover(ctx context.Context, p Principal, accountID, requestID string, h *handover) {
	before := []string{}
	for _, o := range h.previous {
		before = append(before, o.UserID)
	}
	became := "user"
	if h.became == PreviousOwnerLeave {
		became = "left the account"
	}
	s.record(ctx, p, accountID, audit.Event{Action: audit.OwnerChangeCompleted, Details: map[string]string{
		"requestId": requestID, "newOwnerId": p.UserID, "before": strings.Join(before, ","), "after": p.UserID,
		"previousOwnersBecame": became}})
}
