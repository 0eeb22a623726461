// Package seed loads the demo data make run starts with: a staff admin, a
// specialist, and the owner and a user of an importer. Seeding is idempotent:
// what exists already is left as it is.
package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
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
}

// Run creates every seeded user that does not exist yet, and the importer's
// organisation and account (owned by owner@importer.example, with
// user@importer.example as a user, assigned to scss@portal.example). It
// returns how many users it created.
func Run(ctx context.Context, users *identity.Service, accs *accounts.Service, password string) (int, error) {
	created, err := seedUsers(ctx, users, password)
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
	return created, err
}

// Fixed ids of the seeded organisation and account.
const (
	OrgID     = "seed-importer-group"
	AccountID = "seed-importer-account"
)

// FieldOffice is the seeded account's field office.
const FieldOffice = "Los Angeles Field Office"

func seedUsers(ctx context.Context, users *identity.Service, password string) (int, error) {
	created := 0
	for _, su := range Users {
		nu, err := identity.SignUpRequest{Email: su.Email, Password: password, Name: su.Name, SecurityAnswers: Answers}.Validate()
		if err != nil {
			return created, fmt.Errorf("seed %s: %w", su.Email, err)
		}
		nu.StaffRole = su.Role
		_, err = users.SignUp(ctx, nu, identity.Client{UserAgent: "seed"})
		switch {
		case err == nil:
			created++
		case fault.Is(err, fault.Conflict):
			// already there
		default:
			return created, fmt.Errorf("seed %s: %w", su.Email, err)
		}
	}
	return created, nil
}
