package identity_test

import (
	"context"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/testenv"
)

// TestSignUpRefusesHiddenNameCharacters: a name goes into every email the
// user gets, so one with a direction-changing or invisible character is a
// 400 naming the field, and no user is made or mailed.
func TestSignUpRefusesHiddenNameCharacters(t *testing.T) {
	d, base := testenv.Portal(t, nil, nil)
	for what, name := range map[string]string{
		"right-to-left override": "Pat \u202eRentrap",
		"left-to-right isolate":  "Pat \u2066Partner\u2069",
		"zero-width space":       "Pat\u200b Partner",
		"paragraph separator":    "Pat\u2029Partner",
		"Arabic letter mark":     "Pat\u061cPartner",
	} {
		t.Run(what, func(t *testing.T) {
			email := testenv.Email("hidden")
			r := testenv.Call(t, base, "POST", "/v1/users", "", map[string]any{
				"email": email, "password": "Harbour-Lantern-Tide-2026", "name": name,
				"securityAnswers": []map[string]string{
					{"questionId": "q01", "answer": "a"}, {"questionId": "q02", "answer": "b"}, {"questionId": "q03", "answer": "c"},
				},
			})
			if r.Status != 400 || r.Code() != "invalid_name" {
				t.Errorf("sign-up named %q = %d %s; want 400 invalid_name", name, r.Status, r.Body)
			}
			if _, found, err := d.Users.FindByEmail(context.Background(), email); err != nil || found {
				t.Errorf("after the refused sign-up: user found %v, %v; want none", found, err)
			}
			time.Sleep(100 * time.Millisecond)
			if got := testenv.MailsTo(t, email); len(got) != 0 {
				t.Errorf("the refused sign-up sent %d mails", len(got))
			}
		})
	}
}
