package seed_test

import (
	"context"
	"testing"

	"github.com/partner-portal/portal/infra/seed"
	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/identity"
)

// TestSeedApplication: seeding twice leaves one application waiting for a
// decision, filed by the seeded applicant (who signs in), which the seeded
// admin sees in the pending list.
func TestSeedApplication(t *testing.T) {
	d := testenv.Deps(t)
	ctx := context.Background()
	if _, err := seed.Run(ctx, d.Users, d.Staff, d.Accounts, seed.DefaultPassword); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := seed.Application(ctx, d.Users, d.Applications, seed.DefaultPassword); err != nil {
			t.Fatalf("seed application: %v", err)
		}
	}
	applicant, _, err := d.Users.SignIn(ctx, seed.Applicant.Email, seed.DefaultPassword, identity.Client{})
	if err != nil {
		t.Fatalf("the applicant signs in: %v", err)
	}
	admin, _, err := d.Users.FindByEmail(ctx, "admin@portal.example")
	if err != nil {
		t.Fatal(err)
	}
	page, err := d.Applications.List(ctx, accounts.Principal{UserID: admin.ID, StaffRole: identity.Admin}, "pending", "", 10)
	if err != nil || len(page.Applications) != 1 {
		t.Fatalf("pending applications = %+v, %v; want the seeded one", page.Applications, err)
	}
	if a := page.Applications[0]; a.ApplicantID != applicant.ID || a.Company.LegalName != "Exporter Example LLC" || len(a.Programs) != 2 {
		t.Errorf("seeded application = %+v", a)
	}
}
