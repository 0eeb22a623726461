package accounts_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partner-portal/portal/infra/localstack"
	"github.com/partner-portal/portal/infra/testenv"
)

// snsEvent is the SES notification of testdata/name as SNS delivers it to
// the mail-events function, with its placeholder address replaced.
func snsEvent(t *testing.T, name, placeholder, address string) events.SNSEvent {
	t.Helper()
	root, err := localstack.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.SNSEvent
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(b), placeholder, address)), &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// TestDeliveryStatusOnUserList: the AO's user list shows what SES said of
// each address, read from the suppression list the mail-events function
// writes (real SNS events from testdata): a bounce of a member's address,
// and a complaint about an invitation that arrived before the invitee had a
// user — they sign up and join afterwards, and their row still shows it.
// The statuses cost one BatchGetItem for the whole list, beside the one
// that reads the users.
func TestDeliveryStatusOnUserList(t *testing.T) {
	e := newEnv(t)
	w := e.world(false)
	ctx := context.Background()
	invitee := testenv.Email("invitee")
	e.must(e.call("POST", "/v1/accounts/"+w.accountID+"/invitations", w.owner, map[string]string{"email": invitee, "role": "poc"}), 201)
	tok := e.invitation(invitee, 1)

	if err := e.d.MailEvents.SNS(ctx, snsEvent(t, "sns-ses-bounce.json", "BOUNCED_ADDRESS", w.userEmail)); err != nil {
		t.Fatal(err)
	}
	if err := e.d.MailEvents.SNS(ctx, snsEvent(t, "sns-ses-complaint.json", "COMPLAINED_ADDRESS", strings.ToUpper(invitee))); err != nil {
		t.Fatal(err)
	}
	e.signUp(invitee, "")
	e.must(e.call("POST", "/v1/invitations/"+tok+"/accept", e.signIn(invitee), nil), 200)

	calls := testenv.CountCalls(e.d)
	r := e.must(e.call("GET", "/v1/accounts/"+w.accountID+"/users", w.owner, nil), 200)
	want := map[string]string{w.ownerEmail: "ok", w.userEmail: "bounced", invitee: "complained"}
	var list struct {
		Users []map[string]any `json:"users"`
	}
	if err := json.Unmarshal(r.Body, &list); err != nil || len(list.Users) != len(want) {
		t.Fatalf("users = %s; want %d", r.Body, len(want))
	}
	for _, u := range list.Users {
		email, _ := u["email"].(string)
		if got := u["emailDeliveryStatus"]; got != want[email] {
			t.Errorf("emailDeliveryStatus of %s = %v; want %q", email, got, want[email])
		}
	}
	// The session, the authorisation, the members, then the users and the
	// statuses side by side.
	if got := strings.Join(calls.Ops(), ","); got != "BatchGetItem,BatchGetItem,Query,BatchGetItem,BatchGetItem" {
		t.Errorf("GET …/users made %s; want the statuses in one BatchGetItem", got)
	}
}
