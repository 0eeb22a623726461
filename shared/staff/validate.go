package staff

import (
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/mail"
)

// InvitationRequest is the body of POST /v1/staff/invitations.
type InvitationRequest struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

// Validate returns the normalised email and the role, naming every field
// that is wrong.
func (r InvitationRequest) Validate() (string, identity.StaffRole, error) {
	var f fault.Fields
	email, err := mail.Normalize(r.Email)
	if err != nil {
		f.Add("email", "is not a valid email address")
	}
	role, ok := staffRole(r.Role)
	if !ok {
		f.Add("role", "must be scss or admin")
	}
	return email, role, f.Err()
}

// RoleRequest is the body of PUT /v1/staff/{userId}/role.
type RoleRequest struct {
	Role string `json:"role"`
}

// Validate returns the role.
func (r RoleRequest) Validate() (identity.StaffRole, error) {
	role, ok := staffRole(r.Role)
	if !ok {
		return "", fault.Field("role", "must be scss or admin")
	}
	return role, nil
}

func staffRole(s string) (identity.StaffRole, bool) {
	switch r := identity.StaffRole(s); r {
	case identity.Admin, identity.SCSS:
		return r, true
	}
	return "", false
}
