// Package seed loads the demo data make run starts with: a staff admin, a
// specialist, and the owner and a user of an importer. Seeding is idempotent:
// what exists already is left as it is.
package seed

import (
	"context"
	"fmt"

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

// Run creates every seeded user that does not exist yet and returns how many
// it created.
func Run(ctx context.Context, users *identity.Service, password string) (int, error) {
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
