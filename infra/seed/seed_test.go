package seed_test

import (
	"context"
	"slices"
	"testing"

	"github.com/partner-portal/portal/infra/seed"
	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/identity"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestSeedIsIdempotent(t *testing.T) {
	d := testenv.Deps(t)
	ctx := context.Background()
	n, err := seed.Run(ctx, d.Users, d.Staff, d.Accounts, seed.DefaultPassword)
	if err != nil || n != len(seed.Users) {
		t.Fatalf("first seed = %d, %v; want %d users", n, err, len(seed.Users))
	}
	n, err = seed.Run(ctx, d.Users, d.Staff, d.Accounts, seed.DefaultPassword)
	if err != nil || n != 0 {
		t.Fatalf("second seed = %d, %v; want nothing new", n, err)
	}
	for _, su := range seed.Users {
		u, _, err := d.Users.SignIn(ctx, su.Email, seed.DefaultPassword, identity.Client{})
		if err != nil {
			t.Fatalf("sign in as %s: %v", su.Email, err)
		}
		if u.StaffRole != su.Role {
			t.Errorf("%s has role %q; want %q", su.Email, u.StaffRole, su.Role)
		}
	}
	// The staff came through their invitations: listed as staff, one admin
	// counted, and each joined from an invitation.
	staffUsers, _, err := (identity.Staff{Store: d.Store}).List(ctx, "", 10)
	if n, cerr := (identity.Staff{Store: d.Store}).Admins(ctx); err != nil || cerr != nil || len(staffUsers) != 2 || n != 1 {
		t.Errorf("seeded staff = %d listed, %d admins counted (%v %v); want 2 and 1", len(staffUsers), n, err, cerr)
	}
	for _, u := range staffUsers {
		page, err := d.Audit.ForUser(ctx, u.ID, "", 10)
		if err != nil || !slices.ContainsFunc(page.Events, func(e audit.Event) bool { return e.Action == audit.StaffJoined }) {
			t.Errorf("%s has no staff_joined event: %+v %v", u.Email, page.Events, err)
		}
	}
	owner, _, err := d.Users.FindByEmail(ctx, "owner@importer.example")
	if err != nil {
		t.Fatal(err)
	}
	_, ms, err := d.Users.Me(ctx, owner.ID)
	if err != nil || len(ms) != 1 || ms[0].AccountID != seed.AccountID || ms[0].Role != "owner" {
		t.Errorf("the seeded owner's memberships = %+v, %v; want owner of the seeded account", ms, err)
	}
	tcOwner, _, err := d.Users.FindByEmail(ctx, "owner@compliance.example")
	if err != nil {
		t.Fatal(err)
	}
	_, ms, err = d.Users.Me(ctx, tcOwner.ID)
	if err != nil || len(ms) != 1 || ms[0].AccountID != seed.ComplianceAccountID || !slices.Equal(ms[0].Programs, []string{"ctpat_trade_compliance"}) {
		t.Errorf("the seeded Trade Compliance owner's memberships = %+v, %v; want owner of the Trade Compliance account", ms, err)
	}
	if _, err := seed.Run(ctx, d.Users, d.Staff, d.Accounts, "short"); err == nil {
		t.Errorf("seeding with a password the policy refuses = nil error")
	}
}
