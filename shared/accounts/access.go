package accounts

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/store"
)

// Principal is who is asking: a signed-in user and their staff role.
type Principal struct {
	UserID    string
	Email     string
	Name      string
	StaffRole identity.StaffRole
}

// Staff reports whether the principal is authority staff.
func (p Principal) Staff() bool { return p.StaffRole == identity.Admin || p.StaffRole == identity.SCSS }

// Action is something done to an account.
type Action int

// The actions the authorisation point decides.
const (
	View             Action = iota // read the account (members, staff who see it)
	ManageUsers                    // list, deactivate users (the AO, staff who see it)
	Invite                         // invite users (the AO)
	ChangeRoles                    // change a member's role (the AO)
	EditProfile                    // answer the security profile (members)
	Review                         // review the profile; see the review queue (staff)
	ViewOrganization               // read an organisation (its members, staff who see one of its accounts)
	Administer                     // organisations, accounts, links, AO-change decisions, freezes, announcements, jobs (admins)
	RemoveUsers                    // deactivate a member (the AO, staff who see it)
	ProposeLink                    // propose a link between two accounts of an organisation (the AO of either)
	DecideLink                     // confirm or reject a proposed link (staff who see both accounts)
)

// reads reports whether the action only reads. Every other action changes
// the account, and a suspended account refuses it to its members
// (Authorize): an action added later is a change unless it is listed here.
func (a Action) reads() bool {
	switch a {
	case View, ManageUsers, ViewOrganization:
		return true
	}
	return false
}

// Decide is the portal's one rule table: may p do a, on a resource p sees
// (sees is false for another organisation's account, or a specialist's
// account assigned to someone else), where role is p's role on the account
// ("" for staff and for resources that are not accounts)? A resource p does
// not see is 404, whatever ids were sent; one p sees but may not act on this
// way is 403. Every route asks it, through Authorize or directly.
func Decide(p Principal, a Action, sees bool, role string) error {
	if a == Administer {
		if p.StaffRole == identity.Admin {
			return nil
		}
		return errAdminOnly
	}
	if !sees {
		if a == ViewOrganization {
			return errOrgNotFound
		}
		return errAccountNotFound
	}
	if p.Staff() {
		switch a {
		case View, ManageUsers, RemoveUsers, Review, ViewOrganization, DecideLink:
			return nil
		}
		return errForbidden
	}
	switch a {
	case View, EditProfile, ViewOrganization:
		return nil
	case ManageUsers, RemoveUsers, Invite, ChangeRoles, ProposeLink:
		if role == Owner {
			return nil
		}
	case Review:
		return fault.New(fault.Forbidden, "forbidden", "only authority staff review profiles")
	}
	return errForbidden
}

var (
	errAccountNotFound = fault.New(fault.NotFound, "account_not_found", "no such account")
	errForbidden       = fault.New(fault.Forbidden, "forbidden", "your role on this account does not allow this")
)

// SeesAccount reports whether staff member p sees account a: admins see all,
// a specialist the accounts assigned to them and the shared pool (accounts
// with no specialist).
func SeesAccount(p Principal, a *account.Account) bool {
	switch p.StaffRole {
	case identity.Admin:
		return true
	case identity.SCSS:
		return a.SpecialistID == "" || a.SpecialistID == p.UserID
	}
	return false
}

// Authorize is the one place that decides whether p may do action on the
// account. An account p cannot see at all (another organisation's, or a
// specialist's not assigned to them) is 404, whatever ids are sent; one p
// sees but may not act on this way is 403. A suspended account's members
// may read it but change nothing: every action but a read is 403
// account_suspended for them (staff act on it as on any other). It returns
// the account and p's role on it ("" for staff).
func (s *Service) Authorize(ctx context.Context, p Principal, accountID string, a Action) (*account.Account, string, error) {
	acc, m, err := s.accountAndMember(ctx, accountID, p)
	if err != nil {
		return nil, "", err
	}
	sees, role := SeesAccount(p, acc), ""
	if !p.Staff() {
		sees = m != nil
		if m != nil {
			role = m.Role
		}
	}
	if err := Decide(p, a, sees, role); err != nil {
		return nil, "", err
	}
	if !p.Staff() && !a.reads() && acc.IsSuspended() {
		return nil, "", errSuspended(acc)
	}
	return acc, role, nil
}

// accountAndMember reads the account and, for a partner, their membership,
// in one BatchGetItem.
func (s *Service) accountAndMember(ctx context.Context, accountID string, p Principal) (*account.Account, *Member, error) {
	accKey := account.Key(accountID)
	keys := []store.Key{accKey}
	if !p.Staff() {
		keys = append(keys, memberKey(accountID, p.UserID))
	}
	items, err := s.Store.BatchGet(ctx, keys)
	if err != nil {
		return nil, nil, fmt.Errorf("read account and membership: %w", err)
	}
	var acc *account.Account
	var m *Member
	for _, item := range items {
		sk, _ := item["SK"].(*types.AttributeValueMemberS)
		switch {
		case sk != nil && sk.Value == accKey.SK:
			acc = &account.Account{}
			if err := unmarshal(item, acc); err != nil {
				return nil, nil, err
			}
		default:
			m = &Member{}
			if err := unmarshal(item, m); err != nil {
				return nil, nil, err
			}
		}
	}
	if acc == nil {
		return nil, nil, errAccountNotFound
	}
	return acc, m, nil
}

// account reads an account, or errAccountNotFound.
func (s *Service) account(ctx context.Context, id string) (*account.Account, error) {
	return readAccount(ctx, s.Store, id)
}

// readAccount reads the account with id, strongly consistent.
func readAccount(ctx context.Context, st *store.Store, id string) (*account.Account, error) {
	acc, found, err := account.Get(ctx, st, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errAccountNotFound
	}
	return acc, nil
}

// Scope answers whether a specialist may act on a user — the users of the
// accounts assigned to them or in the shared pool — from the table alone, so
// the identity service can be given it when it is built.
type Scope struct {
	Store *store.Store
}

// SCSSMayActOn reports whether the specialist scssID sees an account the
// user userID belongs to.
func (sc Scope) SCSSMayActOn(ctx context.Context, scssID, userID string) (bool, error) {
	mirrors, err := identity.Memberships{Store: sc.Store}.Of(ctx, userID)
	if err != nil {
		return false, err
	}
	p := Principal{UserID: scssID, StaffRole: identity.SCSS}
	for _, m := range mirrors {
		acc, err := readAccount(ctx, sc.Store, m.AccountID)
		if fault.Is(err, fault.NotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		if SeesAccount(p, acc) {
			return true, nil
		}
	}
	return false, nil
}
