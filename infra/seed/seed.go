// Package seed loads the demo data make run starts with: a staff admin, a
// specialist, the owner and a user of an importer in both programmes, and
// the owner of an importer in CTPAT Trade Compliance only. The staff come the
// way a deployment's do: the admin from the bootstrap invitation, the
// specialist from the admin's invitation, each signed up from it (without
// the mail). Seeding is idempotent: what exists already is left as it is.
package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/staff"
)

// DefaultPassword is every seeded user's password when SEED_PASSWORD is unset.
const DefaultPassword = "Harbour-Lantern-Tide-2026"

// Answers are every seeded user's security answers (for trying the reset).
var Answers = []identity.AnswerInput{
	{QuestionID: "q01", Answer: "Riverside Primary"},
	{QuestionID: "q05", Answer: "Acme Freight"},
	{QuestionID: "q09", Answer: "Biscuit"},
}

// User is one seeded user.
type User struct {
	Email string
	Name  string
	Role  identity.StaffRole
}

// Users are the seeded users.
var Users = []User{
	{"admin@portal.example", "Ada Admin", identity.Admin},
	{"scss@portal.example", "Sam Specialist", identity.SCSS},
	{"owner@importer.example", "Olive Owner", ""},
	{"user@importer.example", "Uma User", ""},
	{"owner@compliance.example", "Cora Compliance", ""},
}

// Run creates every seeded user that does not exist yet, the importer's
// organisation and account (in CTPAT Security and CTPAT Trade Compliance,
// owned by owner@importer.example, with user@importer.example as a user,
// assigned to scss@portal.example), and a Trade Compliance importer's
// (owned by owner@compliance.example, assigned to scss@portal.example). It
// returns how many users it created.
func Run(ctx context.Context, users *identity.Service, staffs *staff.Service, accs *accounts.Service, password string) (int, error) {
	created, err := seedUsers(ctx, users, staffs, password)
	if err != nil {
		return created, err
	}
	ids := map[string]string{}
	for _, su := range Users {
		u, found, err := users.FindByEmail(ctx, su.Email)
		if err != nil || !found {
			return created, fmt.Errorf("seed: read back %s: found=%v %v", su.Email, found, err)
		}
		ids[su.Email] = u.ID
	}
	err = accs.SeedAccount(ctx,
		accounts.Organization{ID: OrgID, Name: "Importer Example Group"},
		account.Account{ID: AccountID, Name: "Importer Example Inc.", EntityType: "importer",
			Programs: []string{"ctpat_security", "ctpat_trade_compliance"}, SpecialistID: ids["scss@portal.example"],
			ReviewDueDate: time.Now().UTC().AddDate(0, 6, 0).Format("2006-01-02"), FieldOffice: FieldOffice},
		[]accounts.SeedMember{
			{UserID: ids["owner@importer.example"], Email: "owner@importer.example", Role: accounts.Owner},
			{UserID: ids["user@importer.example"], Email: "user@importer.example", Role: accounts.User},
		})
	if err != nil {
		return created, err
	}
	err = accs.SeedAccount(ctx,
		accounts.Organization{ID: ComplianceOrgID, Name: "Compliance Example Holdings"},
		account.Account{ID: ComplianceAccountID, Name: "Compliance Example Imports LLC", EntityType: "importer",
			Programs: []string{"ctpat_trade_compliance"}, SpecialistID: ids["scss@portal.example"],
			ReviewDueDate: time.Now().UTC().AddDate(0, 9, 0).Format("2006-01-02")},
		[]accounts.SeedMember{{UserID: ids["owner@compliance.example"], Email: "owner@compliance.example", Role: accounts.Owner}})
	return created, err
}

// Fixed ids of the seeded organisation and account.
const (
	OrgID     = "seed-importer-group"
	AccountID = "seed-importer-account"
)

// FieldOffice is the seeded account's field office.
const FieldOffice = "Los Angeles Field Office"

// Fixed ids of the seeded Trade Compliance organisation and account.
const (
	ComplianceOrgID     = "seed-compliance-group"
	ComplianceAccountID = "seed-compliance-account"
)

func seedUsers(ctx context.Context, users *identity.Service, staffs *staff.Service, password string) (int, error) {
	created, adminID := 0, ""
	for _, su := range Users {
		// The password must pass the policy whether or not the user exists.
		if err := users.CheckPolicy(&identity.User{Email: su.Email, Name: su.Name}, password); err != nil {
			return created, fmt.Errorf("seed %s: %w", su.Email, err)
		}
		u, found, err := users.FindByEmail(ctx, su.Email)
		switch {
		case err != nil:
			return created, fmt.Errorf("seed %s: %w", su.Email, err)
		case !found:
			if u, err = seedUser(ctx, users, staffs, su, adminID, password); err != nil {
				return created, fmt.Errorf("seed %s: %w", su.Email, err)
			}
			created++
		}
		if su.Role == identity.Admin {
			adminID = u.ID
		}
	}
	return created, nil
}

// seedUser creates one seeded user: staff through their invitation (the
// first admin's from the bootstrap, later staff's from that admin), trade
// partners as confirmed users.
func seedUser(ctx context.Context, users *identity.Service, staffs *staff.Service, su User, adminID, password string) (*identity.User, error) {
	nu, err := identity.SignUpRequest{Email: su.Email, Password: password, Name: su.Name, SecurityAnswers: Answers}.Validate()
	if err != nil {
		return nil, err
	}
	c := identity.Client{UserAgent: "seed"}
	if su.Role == "" {
		return users.SignUp(ctx, nu, c)
	}
	var iss *staff.Issued
	if adminID == "" {
		iss, err = staffs.Bootstrap(ctx, su.Email)
	} else {
		iss, err = staffs.Issue(ctx, adminID, su.Email, su.Role)
	}
	if err != nil {
		return nil, err
	}
	return staffs.SignUp(ctx, iss.Token, staff.SignUpRequest{Name: su.Name, Password: password, SecurityAnswers: Answers}, c)
}
