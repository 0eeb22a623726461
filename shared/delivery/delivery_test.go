package delivery_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/delivery"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestStatuses: the delivery status of many addresses is read from the
// suppression list in one BatchGetItem per 100 distinct addresses, whatever
// their case and however often one is named; the latest reason wins, and
// addresses never suppressed (or not addresses at all) are ok.
func TestStatuses(t *testing.T) {
	d := testenv.Deps(t)
	ctx := context.Background()
	var emails []string
	for i := range 150 {
		emails = append(emails, fmt.Sprintf("s%03d@statuses.test", i))
	}
	suppress := []struct{ email, reason string }{
		{"s000@statuses.test", delivery.Bounced},
		{"s007@statuses.test", delivery.Bounced},
		{"S007@Statuses.TEST", delivery.Complained}, // the same address, later
		{"s120@statuses.test", delivery.Complained}, // in the second batch
	}
	for _, s := range suppress {
		if err := d.MailEvents.Suppress(ctx, s.email, s.reason, "feedback"); err != nil {
			t.Fatal(err)
		}
	}
	given := append(emails, "S000@Statuses.test", "s120@statuses.test", "not an address")

	calls := testenv.CountCalls(d)
	got, err := d.Delivery.Statuses(ctx, given)
	if err != nil {
		t.Fatal(err)
	}
	if ops := strings.Join(calls.Ops(), ","); ops != "BatchGetItem,BatchGetItem" {
		t.Errorf("Statuses of 150 distinct addresses made %s; want two BatchGetItem", ops)
	}
	want := map[string]string{
		"s000@statuses.test": delivery.Bounced, "S000@Statuses.test": delivery.Bounced,
		"s007@statuses.test": delivery.Complained, "s120@statuses.test": delivery.Complained,
		"not an address": delivery.OK,
	}
	if len(got) != len(emails)+2 {
		t.Errorf("Statuses answered %d addresses; want %d", len(got), len(emails)+2)
	}
	for _, e := range given {
		w, ok := want[e]
		if !ok {
			w = delivery.OK
		}
		if got[e] != w {
			t.Errorf("Statuses()[%q] = %q; want %q", e, got[e], w)
		}
	}

	calls.Reset()
	if got, err := d.Delivery.Statuses(ctx, nil); err != nil || len(got) != 0 || len(calls.Ops()) != 0 {
		t.Errorf("Statuses(nil) = %v, %v after %v; want nothing read", got, err, calls.Ops())
	}
}
