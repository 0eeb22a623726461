package accounts

import (
	"testing"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
)

// TestDecide is the rule table itself, cell by cell.
func TestDecide(t *testing.T) {
	admin := Principal{UserID: "a", StaffRole: identity.Admin}
	scss := Principal{UserID: "s", StaffRole: identity.SCSS}
	partner := Principal{UserID: "p"}
	tests := []struct {
		name string
		p    Principal
		a    Action
		sees bool
		role string
		want fault.Kind // -1: allowed
	}{
		{"admin administers", admin, Administer, true, "", -1},
		{"specialist cannot administer", scss, Administer, true, "", fault.Forbidden},
		{"owner cannot administer", partner, Administer, true, Owner, fault.Forbidden},
		{"unseen account is not found", partner, View, false, "", fault.NotFound},
		{"unseen organisation is not found", scss, ViewOrganization, false, "", fault.NotFound},
		{"staff view", scss, View, true, "", -1},
		{"staff manage users", scss, ManageUsers, true, "", -1},
		{"staff review", scss, Review, true, "", -1},
		{"staff do not invite", admin, Invite, true, "", fault.Forbidden},
		{"staff do not edit profiles", admin, EditProfile, true, "", fault.Forbidden},
		{"user views", partner, View, true, User, -1},
		{"user edits", partner, EditProfile, true, User, -1},
		{"user does not invite", partner, Invite, true, User, fault.Forbidden},
		{"poc does not manage users", partner, ManageUsers, true, POC, fault.Forbidden},
		{"owner invites", partner, Invite, true, Owner, -1},
		{"owner changes roles", partner, ChangeRoles, true, Owner, -1},
		{"owner does not review", partner, Review, true, Owner, fault.Forbidden},
	}
	for _, tt := range tests {
		err := Decide(tt.p, tt.a, tt.sees, tt.role)
		switch {
		case tt.want == -1 && err != nil:
			t.Errorf("%s: Decide = %v; want allowed", tt.name, err)
		case tt.want != -1 && !fault.Is(err, tt.want):
			t.Errorf("%s: Decide = %v; want kind %d", tt.name, err, tt.want)
		}
	}
}
