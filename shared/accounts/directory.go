package accounts

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/nameindex"
)

// The staff's directory: organisations and accounts by name prefix or by
// id, and users by email. Staff only; a specialist finds what they see —
// the accounts assigned to them or in the shared pool, the organisations
// of those, the users of those — and nothing else exists for them here,
// as everywhere else (Decide).

var errStaffOnly = fault.New(fault.Forbidden, "forbidden", "only authority staff may look this up")

// Lookup is a directory search: by id when ID is set, else by name prefix
// (every entry when Name is empty), Limit at a time after Cursor.
type Lookup struct {
	Name, ID, Cursor string
	Limit            int
}

// OrganizationsPage is one page of organisations found.
type OrganizationsPage struct {
	Organizations []Organization `json:"organizations"`
	NextCursor    string         `json:"nextCursor,omitempty"`
}

// FindOrganizations finds organisations by name prefix or id, for staff. A
// specialist's page holds only the organisations with an account they
// see, so it may hold fewer than the limit while nextCursor goes on.
func (s *Service) FindOrganizations(ctx context.Context, p Principal, q Lookup) (OrganizationsPage, error) {
	if !p.Staff() {
		return OrganizationsPage{}, errStaffOnly
	}
	page := OrganizationsPage{Organizations: []Organization{}}
	var found []Organization
	if q.ID != "" {
		o, err := s.organization(ctx, q.ID)
		if err != nil && !fault.Is(err, fault.NotFound) {
			return page, err
		}
		if o != nil {
			found = append(found, *o)
		}
	} else {
		items, next, err := nameindex.Query(ctx, s.Store, orgDirectory, q.Name, q.Limit, q.Cursor)
		if err != nil {
			return page, err
		}
		if err := attributevalue.UnmarshalListOfMaps(items, &found); err != nil {
			return page, fmt.Errorf("unmarshal organisations: %w", err)
		}
		page.NextCursor = next
	}
	for _, o := range found {
		sees, err := s.seesOrganizationByID(ctx, p, o.ID)
		if err != nil {
			return page, err
		}
		if sees {
			page.Organizations = append(page.Organizations, o)
		}
	}
	return page, nil
}

// seesOrganizationByID reports whether staff member p sees the
// organisation: an admin every one, a specialist those with an account they
// see (one query of the organisation and a batch of its accounts).
func (s *Service) seesOrganizationByID(ctx context.Context, p Principal, orgID string) (bool, error) {
	if p.StaffRole == identity.Admin {
		return true, nil
	}
	_, err := s.GetOrganization(ctx, p, orgID)
	if fault.Is(err, fault.NotFound) {
		return false, nil
	}
	return err == nil, err
}

// AccountsPage is one page of accounts found.
type AccountsPage struct {
	Accounts   []account.Account `json:"accounts"`
	NextCursor string            `json:"nextCursor,omitempty"`
}

// FindAccounts finds accounts by name prefix or id, for staff. A
// specialist's page holds only the accounts they see.
func (s *Service) FindAccounts(ctx context.Context, p Principal, q Lookup) (AccountsPage, error) {
	if !p.Staff() {
		return AccountsPage{}, errStaffOnly
	}
	page := AccountsPage{Accounts: []account.Account{}}
	var found []account.Account
	if q.ID != "" {
		acc, ok, err := account.Get(ctx, s.Store, q.ID)
		if err != nil {
			return page, err
		}
		if ok {
			found = append(found, *acc)
		}
	} else {
		var err error
		if found, page.NextCursor, err = account.Named(ctx, s.Store, q.Name, q.Limit, q.Cursor); err != nil {
			return page, err
		}
	}
	for _, acc := range found {
		if SeesAccount(p, &acc) {
			page.Accounts = append(page.Accounts, acc)
		}
	}
	return page, nil
}

// UserRecord is a user as the staff's lookup shows them: who they are and
// whether they can sign in, their memberships, and whether mail reaches
// them. No secret: no password or answer hashes, no tokens.
type UserRecord struct {
	User           identity.View         `json:"user"`
	EmailConfirmed bool                  `json:"emailConfirmed"`
	Memberships    []identity.Membership `json:"memberships"`
	DeliveryStatus string                `json:"emailDeliveryStatus"`
}

var errUserNotFound = fault.New(fault.NotFound, "user_not_found", "no user has this email address")

// FindUser finds the user with the (normalised) email, for staff: an admin
// finds anyone; a specialist themselves and the partners of the accounts
// they see, and for them no one else has the address.
func (s *Service) FindUser(ctx context.Context, p Principal, email string) (*UserRecord, error) {
	if !p.Staff() {
		return nil, errStaffOnly
	}
	u, found, err := s.Users.FindByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errUserNotFound
	}
	if p.StaffRole == identity.SCSS && u.ID != p.UserID {
		ok := u.StaffRole == ""
		if ok {
			if ok, err = (Scope{Store: s.Store}).SCSSMayActOn(ctx, p.UserID, u.ID); err != nil {
				return nil, err
			}
		}
		if !ok {
			return nil, errUserNotFound
		}
	}
	return s.userRecord(ctx, u.ID)
}

// userRecord reads the user with their memberships (one query) and their
// address's delivery status.
func (s *Service) userRecord(ctx context.Context, id string) (*UserRecord, error) {
	u, ms, err := s.Users.Me(ctx, id)
	if err != nil {
		return nil, err
	}
	statuses, err := s.Delivery.Statuses(ctx, []string{u.Email})
	if err != nil {
		return nil, err
	}
	return &UserRecord{User: u.ViewAt(s.Now()), EmailConfirmed: !u.EmailPending, Memberships: ms, DeliveryStatus: statuses[u.Email]}, nil
}
