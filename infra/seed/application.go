package seed

import (
	"context"
	"fmt"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/application"
	"github.com/partner-portal/portal/shared/company"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
)

// Applicant is the seeded trade partner whose programme application waits
// for an admin's decision.
var Applicant = User{"applicant@exporter.example", "Avery Applicant", ""}

// Application seeds Applicant (unless the user exists) and, unless they have
// applied already, files their application for Exporter Example LLC to
// both programmes through the application service, as the applicant would:
// make run then has one application waiting for a decision. It is
// idempotent.
func Application(ctx context.Context, users *identity.Service, apps *application.Service, password string) error {
	nu, err := identity.SignUpRequest{Email: Applicant.Email, Password: password, Name: Applicant.Name, SecurityAnswers: Answers}.Validate()
	if err != nil {
		return fmt.Errorf("seed %s: %w", Applicant.Email, err)
	}
	if _, err := users.SignUp(ctx, nu, identity.Client{UserAgent: "seed"}); err != nil && !fault.Is(err, fault.Conflict) {
		return fmt.Errorf("seed %s: %w", Applicant.Email, err)
	}
	u, found, err := users.FindByEmail(ctx, Applicant.Email)
	if err != nil || !found {
		return fmt.Errorf("seed: read back %s: found=%v %v", Applicant.Email, found, err)
	}
	p := accounts.Principal{UserID: u.ID, Email: u.Email, Name: u.Name}
	mine, err := apps.Mine(ctx, p)
	if err != nil || len(mine) > 0 {
		return err
	}
	fl, err := application.Request{
		Programs: []string{"ctpat_security", "ctpat_trade_compliance"},
		Company: application.Company{LegalName: "Exporter Example LLC", EIN: "98-7654321", EntityType: "exporter",
			Address: company.Address{Street1: "400 Container Way", City: "Savannah", State: "GA", PostalCode: "31401", Country: "US"},
			Phone:   "+1 912 555 0100"},
		Contact:     application.Contact{Name: Applicant.Name, Email: Applicant.Email, Phone: "+1 912 555 0101", Title: "Logistics director"},
		Attestation: true,
	}.Validate()
	if err != nil {
		return fmt.Errorf("seed application: %w", err)
	}
	if _, err := apps.Submit(ctx, p, fl); err != nil && !fault.Is(err, fault.Conflict) {
		return fmt.Errorf("seed application: %w", err)
	}
	return nil
}
