package accounts

import (
	"context"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
)

// AccountView is an account as its members and the staff who see it read
// it (GET /v1/accounts/{accountId}): who to call about it — the assigned
// specialist and the field office —, when its review is due, and its status.
type AccountView struct {
	ID               string      `json:"id"`
	Name             string      `json:"name"`
	OrganizationID   string      `json:"organizationId"`
	OrganizationName string      `json:"organizationName"`
	EntityType       string      `json:"entityType"`
	Programs         []string    `json:"programs"`
	Status           string      `json:"status"`
	Suspension       *Suspension `json:"suspension"`
	ReviewDueDate    string      `json:"reviewDueDate"`
	ProfileStatus    string      `json:"profileStatus"`
	// Specialist is null for an account in the shared pool (no specialist
	// assigned), which every specialist may review.
	Specialist  *Contact `json:"specialist"`
	FieldOffice string   `json:"fieldOffice,omitempty"`
	// Role is the caller's role on the account; empty for staff.
	Role string `json:"role,omitempty"`
}

// Contact is a person to call about an account.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Account returns the account as p may read it: its members and the staff
// who see it; anyone else gets 404.
func (s *Service) Account(ctx context.Context, p Principal, accountID string) (*AccountView, error) {
	acc, role, err := s.Authorize(ctx, p, accountID, View)
	if err != nil {
		return nil, err
	}
	v := &AccountView{ID: acc.ID, Name: acc.Name, OrganizationID: acc.OrgID, OrganizationName: acc.OrgName,
		EntityType: acc.EntityType, Programs: acc.Programs, Status: acc.State(), Suspension: suspensionOf(acc),
		ReviewDueDate: acc.ReviewDueDate, ProfileStatus: acc.ProfileStatus, FieldOffice: acc.FieldOffice, Role: role}
	if v.ProfileStatus == "" {
		v.ProfileStatus = "draft"
	}
	if v.Programs == nil {
		v.Programs = []string{}
	}
	v.Specialist, err = s.specialist(ctx, acc)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// specialist is the contact of the account's assigned specialist, or nil
// when none is (the shared pool) or the one named is no longer staff.
func (s *Service) specialist(ctx context.Context, acc *account.Account) (*Contact, error) {
	if acc.SpecialistID == "" {
		return nil, nil
	}
	u, err := s.Users.Get(ctx, acc.SpecialistID)
	if fault.Is(err, fault.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if u.StaffRole != identity.SCSS && u.StaffRole != identity.Admin {
		return nil, nil
	}
	return &Contact{Name: u.Name, Email: u.Email}, nil
}
