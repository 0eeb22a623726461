package account_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/account"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestActivePages: every account made through Create is in the directory of
// active accounts, which reads in id order, a page at a time, from where the
// previous page stopped, with the contacts projected.
func TestActivePages(t *testing.T) {
	d := testenv.Deps(t)
	ctx := context.Background()
	var want []string
	for i := range 5 {
		acc := &account.Account{ID: fmt.Sprintf("dir-%02d", 4-i), Name: "Directory", EntityType: "importer",
			ReviewDueDate: "2027-03-01", Contacts: []string{fmt.Sprintf("c%d@trade.test", i)}}
		put, err := account.Create(d.Store.Table, acc)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Store.Transact(ctx, []types.TransactWriteItem{put}); err != nil {
			t.Fatal(err)
		}
		want = append(want, acc.ID)
	}
	slices.Sort(want)
	var got []string
	after, pages := "", 0
	for {
		accs, more, err := account.Active(ctx, d.Store, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, a := range accs {
			if len(a.Contacts) != 1 || a.Name != "Directory" {
				t.Errorf("directory entry %+v; want its name and contacts", a)
			}
			got, after = append(got, a.ID), a.ID
		}
		if !more || pages > 10 {
			break
		}
	}
	if !slices.Equal(got, want) || pages < 3 {
		t.Errorf("Active read %v in %d pages; want %v in pages of 2", got, pages, want)
	}
}

// TestSuspendedAccountLeavesTheDirectory: a suspended account is not an
// active one — the freeze notices, which walk the directory, skip it — and
// reinstatement files it back.
func TestSuspendedAccountLeavesTheDirectory(t *testing.T) {
	d := testenv.Deps(t)
	ctx := context.Background()
	acc := &account.Account{ID: "dir-suspended", Name: "Directory", EntityType: "importer", ReviewDueDate: "2027-03-01",
		Contacts: []string{"c@trade.test"}}
	put, err := account.Create(d.Store.Table, acc)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Store.Transact(ctx, []types.TransactWriteItem{put}); err != nil {
		t.Fatal(err)
	}
	listed := func() bool {
		t.Helper()
		accs, _, err := account.Active(ctx, d.Store, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(accs, func(a account.Account) bool { return a.ID == acc.ID })
	}
	if !listed() {
		t.Fatal("a new account is not in the directory of active accounts")
	}
	suspended, err := account.Suspend(ctx, d.Store, acc.ID, "A change of status.", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if listed() {
		t.Error("a suspended account is still in the directory of active accounts")
	}
	if _, err := account.Reinstate(ctx, d.Store, suspended); err != nil {
		t.Fatal(err)
	}
	if !listed() {
		t.Error("a reinstated account is not back in the directory of active accounts")
	}
}
