package reset_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/reset"
	"github.com/partner-portal/portal/shared/session"
	"github.com/partner-portal/portal/shared/store"
)

// TestResetJourney is journey 3 end to end: ask, read the mail, follow the
// link's token, fail the answers once, then answer right with a new password.
func TestResetJourney(t *testing.T) {
	e := newEnv(t)
	email, id := e.user("journey")
	_, oldSession := e.signIn(email, oldPassword)

	e.requestLink(email)
	mails := testenv.WaitMails(t, email, 1)
	if len(mails) != 1 || !strings.Contains(mails[0].Subject, "Reset") {
		t.Fatalf("mails = %s; want the reset link", subjects(mails))
	}
	link, tok := tokenFrom(t, mails[0])
	if !strings.HasPrefix(link, e.url+"/reset-password?token=") || !strings.Contains(mails[0].Body.HTML, link) {
		t.Errorf("link %q is not on the configured portal URL %s", link, e.url)
	}
	stored := e.stored(id)
	if stored.ResetTokenHash == "" || strings.Contains(stored.ResetTokenHash, tok) {
		t.Errorf("reset token stored as %q; want only its hash", stored.ResetTokenHash)
	}

	r := e.call("GET", "/v1/password-resets/"+url.PathEscape(tok), "", nil)
	var got struct {
		Questions []identity.Question `json:"questions"`
	}
	if err := jsonUnmarshal(r.Body, &got); err != nil || r.Status != 200 || len(got.Questions) != 3 {
		t.Fatalf("GET questions = %d %s", r.Status, r.Body)
	}
	if got.Questions[0].ID != "q01" || got.Questions[0].Text == "" || strings.Contains(string(r.Body), email) {
		t.Errorf("questions = %s; want the user's own three, without the email", r.Body)
	}

	if r := e.confirm(tok, wrongAnswers(), newPassword); r.Status != 403 || r.Code() != "answers_incorrect" {
		t.Fatalf("wrong answers = %d %s; want 403 answers_incorrect", r.Status, r.Body)
	}
	if r := e.confirm(tok, rightAnswers(), newPassword); r.Status != 204 {
		t.Fatalf("right answers = %d %s; want 204", r.Status, r.Body)
	}

	if r := e.call("GET", "/v1/me", oldSession, nil); r.Status != 401 {
		t.Errorf("the old session = %d; want 401", r.Status)
	}
	if r, _ := e.signIn(email, oldPassword); r.Status != 401 {
		t.Errorf("the old password = %d; want 401", r.Status)
	}
	if r, _ := e.signIn(email, newPassword); r.Status != 201 {
		t.Errorf("the new password = %d; want 201", r.Status)
	}
	if r := e.call("GET", "/v1/password-resets/"+url.PathEscape(tok), "", nil); r.Status != 410 || r.Code() != "token_expired" {
		t.Errorf("the spent token = %d %s; want 410 token_expired", r.Status, r.Body)
	}
	if r := e.confirm(tok, rightAnswers(), "Another-Fresh-Phrase-88"); r.Status != 410 {
		t.Errorf("spending the token again = %d; want 410", r.Status)
	}
	mails = testenv.WaitMails(t, email, 2)
	if len(mails) != 2 || !strings.Contains(mails[1].Subject, "password was changed") {
		t.Errorf("mails = %s; want the link and the change notice", subjects(mails))
	}
	u := e.stored(id)
	if u.ResetTokenHash != "" || len(u.PasswordHistory) != 2 {
		t.Errorf("after the reset: token %q, history %d; want no token and two hashes", u.ResetTokenHash, len(u.PasswordHistory))
	}
	events, _ := e.d.Audit.ForUser(context.Background(), id, "", 50)
	var actions []string
	for _, ev := range events.Events {
		actions = append(actions, ev.Action)
	}
	if !strings.Contains(strings.Join(actions, ","), "password_reset,password_reset_answers_wrong,password_reset_requested") {
		t.Errorf("audit = %v; want the request, the wrong answers and the reset", actions)
	}
}

func TestResetUnknownEmailLooksTheSame(t *testing.T) {
	e := newEnv(t)
	email, _ := e.user("known")
	unknown := testenv.Email("unknown")
	known := e.call("POST", "/v1/password-resets", "", map[string]string{"email": email})
	other := e.call("POST", "/v1/password-resets", "", map[string]string{"email": unknown})
	if known.Status != 202 || other.Status != 202 || string(known.Body) != string(other.Body) {
		t.Errorf("known %d %s, unknown %d %s; want the same 202", known.Status, known.Body, other.Status, other.Body)
	}
	time.Sleep(300 * time.Millisecond)
	if got := testenv.MailsTo(t, unknown); len(got) != 0 {
		t.Errorf("an unknown email got %d mails", len(got))
	}
	if r := e.call("POST", "/v1/password-resets", "", map[string]string{"email": "not an email"}); r.Status != 400 || r.Code() != "invalid_email" {
		t.Errorf("malformed email = %d %s; want 400 invalid_email", r.Status, r.Body)
	}
	if r := e.call("POST", "/v1/password-resets", "", `{"email":"a@b.example","extra":1}`); r.Status != 400 {
		t.Errorf("unknown field = %d; want 400", r.Status)
	}
}

func TestResetRateLimit(t *testing.T) {
	e := newEnv(t)
	email, _ := e.user("limit")
	for range 4 {
		e.requestLink(email)
	}
	time.Sleep(300 * time.Millisecond)
	if got := testenv.MailsTo(t, email); len(got) != 3 {
		t.Fatalf("4 requests in an hour sent %d mails; want 3", len(got))
	}
	e.clock.Add(time.Hour)
	e.requestLink(email)
	if got := testenv.WaitMails(t, email, 4); len(got) != 4 {
		t.Errorf("the next hour sent %d mails in all; want 4", len(got))
	}
}

func TestResetSupersededToken(t *testing.T) {
	e := newEnv(t)
	email, _ := e.user("superseded")
	e.requestLink(email)
	first := e.latestToken(email, 1)
	e.requestLink(email)
	second := e.latestToken(email, 2)
	if r := e.call("GET", "/v1/password-resets/"+url.PathEscape(first), "", nil); r.Status != 410 {
		t.Errorf("the older token = %d; want 410", r.Status)
	}
	if r := e.confirm(first, rightAnswers(), newPassword); r.Status != 410 {
		t.Errorf("confirming with the older token = %d; want 410", r.Status)
	}
	if r := e.confirm(second, rightAnswers(), newPassword); r.Status != 204 {
		t.Errorf("the newer token = %d %s; want 204", r.Status, r.Body)
	}
}

func TestResetExpiredToken(t *testing.T) {
	e := newEnv(t)
	email, _ := e.user("expired")
	e.requestLink(email)
	tok := e.latestToken(email, 1)
	e.clock.Add(59 * time.Minute)
	if r := e.call("GET", "/v1/password-resets/"+url.PathEscape(tok), "", nil); r.Status != 200 {
		t.Fatalf("after 59 minutes = %d; want 200", r.Status)
	}
	e.clock.Add(2 * time.Minute)
	if r := e.call("GET", "/v1/password-resets/"+url.PathEscape(tok), "", nil); r.Status != 410 || r.Code() != "token_expired" {
		t.Errorf("after 61 minutes = %d %s; want 410", r.Status, r.Body)
	}
	if r := e.confirm(tok, rightAnswers(), newPassword); r.Status != 410 {
		t.Errorf("confirm after 61 minutes = %d; want 410", r.Status)
	}
}

func TestResetThreeWrongAnswersBurnTheToken(t *testing.T) {
	e := newEnv(t)
	email, id := e.user("burn")
	e.requestLink(email)
	tok := e.latestToken(email, 1)
	for i := range 3 {
		if r := e.confirm(tok, wrongAnswers(), newPassword); r.Status != 403 {
			t.Fatalf("wrong answers %d = %d %s; want 403", i+1, r.Status, r.Body)
		}
	}
	if r := e.confirm(tok, rightAnswers(), newPassword); r.Status != 410 {
		t.Errorf("right answers after three wrong = %d; want 410", r.Status)
	}
	mails := testenv.WaitMails(t, email, 2)
	if len(mails) != 2 || !strings.Contains(mails[1].Subject, "stopped") {
		t.Errorf("mails = %s; want the link and the stopped notice", subjects(mails))
	}
	if r, _ := e.signIn(email, oldPassword); r.Status != 201 {
		t.Errorf("the old password after a burnt link = %d; want 201 (unchanged)", r.Status)
	}
	if e.stored(id).ResetTokenHash != "" {
		t.Errorf("the burnt token is still the user's live one")
	}
}

// TestResetParallelWrongAnswersBurnOnce fires 20 confirmations with wrong
// answers at once: the attempt limit is checked and raised in one write
// before any answer is compared, so exactly three answer sets are compared,
// the link burns, one "stopped" mail goes out, and the right answers after
// it find the link gone.
func TestResetParallelWrongAnswersBurnOnce(t *testing.T) {
	e := newEnv(t)
	email, id := e.user("parallel")
	e.requestLink(email)
	tok := e.latestToken(email, 1)
	body, err := json.Marshal(map[string]any{"answers": wrongAnswers(), "newPassword": newPassword})
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	statuses := make([]int, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			statuses[i], errs[i] = post(e.url+"/v1/password-resets/"+url.PathEscape(tok), body)
		})
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for i, st := range statuses {
		if errs[i] != nil {
			t.Fatalf("confirm %d: %v", i, errs[i])
		}
		count[st]++
	}
	if count[403]+count[410] != n || count[403] != reset.MaxWrongAnswers {
		t.Errorf("%d parallel wrong answers = %v; want %d times 403 and the rest 410", n, count, reset.MaxWrongAnswers)
	}
	if r := e.confirm(tok, rightAnswers(), newPassword); r.Status != 410 {
		t.Errorf("right answers after the burst = %d %s; want 410", r.Status, r.Body)
	}
	testenv.WaitMails(t, email, 2)
	time.Sleep(300 * time.Millisecond) // let any further mail land before counting
	mails := testenv.MailsTo(t, email)
	stopped := 0
	for _, m := range mails {
		if strings.Contains(m.Subject, "stopped") {
			stopped++
		}
	}
	if stopped != 1 || len(mails) != 2 {
		t.Errorf("mails = %s; want the link and one stopped notice", subjects(mails))
	}
	events, err := e.d.Audit.ForUser(context.Background(), id, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	wrong, burnt := 0, 0
	for _, ev := range events.Events {
		switch ev.Action {
		case audit.ResetAnswersWrong:
			wrong++
		case audit.ResetTokenBurnt:
			burnt++
		}
	}
	if wrong != reset.MaxWrongAnswers || burnt != 1 {
		t.Errorf("audit: %d wrong answer sets, %d burns; want %d and 1", wrong, burnt, reset.MaxWrongAnswers)
	}
	if r, _ := e.signIn(email, oldPassword); r.Status != 201 {
		t.Errorf("the old password after the burst = %d; want 201 (unchanged)", r.Status)
	}
}

// post sends a JSON body from a goroutine (no testing.T there) and returns
// the status.
func post(u string, body []byte) (int, error) {
	res, err := http.Post(u, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, err = io.Copy(io.Discard, res.Body)
	return res.StatusCode, err
}

// TestResetPolicyCheckedBeforeAnswers: a too-weak new password is the same
// 422 whether the answers are right or wrong, so the 422 tells nothing about
// them, and it costs no attempt. A password from the user's history is only
// told (422 reused) to whoever has the right answers.
func TestResetPolicyCheckedBeforeAnswers(t *testing.T) {
	e := newEnv(t)
	email, _ := e.user("order")
	e.requestLink(email)
	tok := e.latestToken(email, 1)
	right := e.confirm(tok, rightAnswers(), "password1234")
	if right.Status != 422 || right.Code() != "password_policy" {
		t.Fatalf("right answers, weak password = %d %s; want 422 password_policy", right.Status, right.Body)
	}
	for i := range reset.MaxWrongAnswers + 1 {
		wrong := e.confirm(tok, wrongAnswers(), "password1234")
		if wrong.Status != right.Status || !bytes.Equal(wrong.Body, right.Body) {
			t.Fatalf("wrong answers, weak password (%d) = %d %s; want the same as right answers: %d %s", i+1, wrong.Status, wrong.Body, right.Status, right.Body)
		}
	}
	if r := e.confirm(tok, wrongAnswers(), oldPassword); r.Status != 403 || r.Code() != "answers_incorrect" {
		t.Errorf("wrong answers, the current password = %d %s; want 403 answers_incorrect (history not revealed)", r.Status, r.Body)
	}
	if r := e.confirm(tok, wrongAnswers(), newPassword); r.Status != 403 {
		t.Errorf("wrong answers = %d %s; want 403", r.Status, r.Body)
	}
	// Two wrong answer sets counted, none of the weak-password ones: the
	// token still takes the right answers.
	if r := e.confirm(tok, rightAnswers(), newPassword); r.Status != 204 {
		t.Errorf("right answers after the weak-password attempts = %d %s; want 204", r.Status, r.Body)
	}
}

// TestResetRightAnswersAreNotCounted: an attempt is counted before the
// answers are compared, and given back when they are right, so a user who
// answers right but picks a reused password can try again.
func TestResetRightAnswersAreNotCounted(t *testing.T) {
	e := newEnv(t)
	email, _ := e.user("giveback")
	e.requestLink(email)
	tok := e.latestToken(email, 1)
	for range reset.MaxWrongAnswers - 1 {
		if r := e.confirm(tok, wrongAnswers(), newPassword); r.Status != 403 {
			t.Fatalf("wrong answers = %d %s; want 403", r.Status, r.Body)
		}
	}
	for i := range reset.MaxWrongAnswers {
		if r := e.confirm(tok, rightAnswers(), oldPassword); r.Status != 422 || r.Code() != "password_policy" {
			t.Fatalf("right answers, reused password (%d) = %d %s; want 422", i+1, r.Status, r.Body)
		}
	}
	if r := e.confirm(tok, rightAnswers(), newPassword); r.Status != 204 {
		t.Errorf("right answers, good password = %d %s; want 204", r.Status, r.Body)
	}
}

func TestResetPolicyRejectionKeepsToken(t *testing.T) {
	e := newEnv(t)
	email, _ := e.user("policy")
	e.requestLink(email)
	tok := e.latestToken(email, 1)
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Details []struct {
				Rule string `json:"rule"`
			} `json:"details"`
		} `json:"error"`
	}
	r := e.confirm(tok, rightAnswers(), "password1234")
	if err := jsonUnmarshal(r.Body, &body); err != nil || r.Status != 422 || body.Error.Code != "password_policy" || len(body.Error.Details) == 0 {
		t.Fatalf("weak new password = %d %s; want 422 with the rules", r.Status, r.Body)
	}
	r = e.confirm(tok, rightAnswers(), oldPassword)
	if err := jsonUnmarshal(r.Body, &body); err != nil || r.Status != 422 || body.Error.Details[0].Rule != "reused" {
		t.Fatalf("the current password again = %d %s; want 422 reused", r.Status, r.Body)
	}
	if r := e.confirm(tok, rightAnswers(), newPassword); r.Status != 204 {
		t.Errorf("a good password with the same token = %d %s; want 204", r.Status, r.Body)
	}
}

func TestResetSuspendedUser(t *testing.T) {
	e := newEnv(t)
	email, id := e.user("suspended")
	e.requestLink(email)
	tok := e.latestToken(email, 1)
	admin := testenv.Email("admin")
	nu, _ := identity.SignUpRequest{Email: admin, Password: oldPassword, Name: "Ada Admin", SecurityAnswers: []identity.AnswerInput{
		{QuestionID: "q01", Answer: "a"}, {QuestionID: "q02", Answer: "b"}, {QuestionID: "q03", Answer: "c"}}}.Validate()
	nu.StaffRole = identity.Admin
	if _, err := e.d.Users.SignUp(context.Background(), nu, identity.Client{}); err != nil {
		t.Fatal(err)
	}
	_, adminToken := e.signIn(admin, oldPassword)
	if r := e.call("POST", "/v1/users/"+id+"/suspend", adminToken, nil); r.Status != 204 {
		t.Fatalf("suspend = %d", r.Status)
	}
	if r := e.call("GET", "/v1/password-resets/"+url.PathEscape(tok), "", nil); r.Status != 410 {
		t.Errorf("a suspended user's link = %d; want 410", r.Status)
	}
	e.requestLink(email)
	time.Sleep(300 * time.Millisecond)
	if got := testenv.MailsTo(t, email); len(got) != 1 {
		t.Errorf("a suspended user asking again got %d mails in all; want only the first", len(got))
	}
}

func TestResetClearsLockout(t *testing.T) {
	e := newEnv(t)
	email, _ := e.user("locked")
	for range 5 {
		e.signIn(email, "Not-The-Password-9")
	}
	if r, _ := e.signIn(email, oldPassword); r.Status != 401 {
		t.Fatalf("locked sign-in = %d; want 401", r.Status)
	}
	e.requestLink(email)
	mails := testenv.WaitMails(t, email, 2) // the lockout notice, then the link
	var tok string
	for _, m := range mails {
		if strings.Contains(m.Subject, "Reset") {
			_, tok = tokenFrom(t, m)
		}
	}
	if r := e.confirm(tok, rightAnswers(), newPassword); r.Status != 204 {
		t.Fatalf("reset while locked = %d %s", r.Status, r.Body)
	}
	if r, _ := e.signIn(email, newPassword); r.Status != 201 {
		t.Errorf("sign-in after the reset = %d; want 201 (lockout cleared)", r.Status)
	}
}

func TestResetBadInput(t *testing.T) {
	e := newEnv(t)
	email, id := e.user("badinput")
	e.requestLink(email)
	tok := e.latestToken(email, 1)
	tests := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"malformed", `{"answers":[`, 400, "invalid_json"},
		{"unknown field", map[string]any{"answers": rightAnswers(), "newPassword": newPassword, "email": email}, 400, "unknown_field"},
		{"two answers", map[string]any{"answers": rightAnswers()[:2], "newPassword": newPassword}, 400, "invalid_answers"},
		{"no password", map[string]any{"answers": rightAnswers()}, 400, "invalid_new_password"},
		{"unknown question", map[string]any{"answers": []map[string]string{{"questionId": "zz", "answer": "a"}, {"questionId": "q01", "answer": "b"}, {"questionId": "q05", "answer": "c"}}, "newPassword": newPassword}, 400, "invalid_answers[0].question_id"},
	}
	for _, tt := range tests {
		r := e.call("POST", "/v1/password-resets/"+url.PathEscape(tok), "", tt.body)
		if r.Status != tt.status || r.Code() != tt.code {
			t.Errorf("%s: %d %s; want %d %s", tt.name, r.Status, r.Body, tt.status, tt.code)
		}
	}
	// None of it counted as a wrong answer or changed anything.
	if r := e.confirm(tok, rightAnswers(), newPassword); r.Status != 204 {
		t.Errorf("after the bad requests = %d %s; want 204", r.Status, r.Body)
	}
	_ = id
	if r := e.call("GET", "/v1/password-resets/not-a-token", "", nil); r.Status != 410 {
		t.Errorf("garbage token = %d; want 410", r.Status)
	}
}

func TestSignedInPasswordChange(t *testing.T) {
	e := newEnv(t)
	email, _ := e.user("change")
	_, current := e.signIn(email, oldPassword)
	_, other := e.signIn(email, oldPassword)
	body := func(cur, next string) map[string]string {
		return map[string]string{"currentPassword": cur, "newPassword": next}
	}
	if r := e.call("POST", "/v1/me/password", "", body(oldPassword, newPassword)); r.Status != 401 {
		t.Errorf("without a session = %d; want 401", r.Status)
	}
	if r := e.call("POST", "/v1/me/password", current, body("Wrong-Current-Pass-1", newPassword)); r.Status != 403 || r.Code() != "password_incorrect" {
		t.Errorf("wrong current password = %d %s; want 403 password_incorrect", r.Status, r.Body)
	}
	if r := e.call("POST", "/v1/me/password", current, body(oldPassword, "short")); r.Status != 422 {
		t.Errorf("weak new password = %d; want 422", r.Status)
	}
	if r := e.call("POST", "/v1/me/password", current, body(oldPassword, newPassword)); r.Status != 204 {
		t.Fatalf("change = %d %s; want 204", r.Status, r.Body)
	}
	if r := e.call("GET", "/v1/me", current, nil); r.Status != 200 {
		t.Errorf("the session that changed it = %d; want 200", r.Status)
	}
	if r := e.call("GET", "/v1/me", other, nil); r.Status != 401 {
		t.Errorf("another session = %d; want 401", r.Status)
	}
	if r, _ := e.signIn(email, oldPassword); r.Status != 401 {
		t.Errorf("old password = %d; want 401", r.Status)
	}
	if r := e.call("POST", "/v1/me/password", current, body(newPassword, oldPassword)); r.Status != 422 {
		t.Errorf("changing back to a recent password = %d; want 422 reused", r.Status)
	}
	mails := testenv.WaitMails(t, email, 1)
	if len(mails) != 1 || !strings.Contains(mails[0].Subject, "password was changed") {
		t.Errorf("mails = %s; want the change notice", subjects(mails))
	}
}

func TestSignedInAnswersChange(t *testing.T) {
	e := newEnv(t)
	email, id := e.user("answers")
	_, tok := e.signIn(email, oldPassword)
	fresh := []map[string]string{{"questionId": "q02", "answer": "Lisbon"}, {"questionId": "q03", "answer": "Ford Fiesta"}, {"questionId": "q04", "answer": "Elm Street"}}
	if r := e.call("PUT", "/v1/me/security-answers", tok, map[string]any{"currentPassword": "Wrong-Current-Pass-1", "securityAnswers": fresh}); r.Status != 403 {
		t.Errorf("wrong password = %d; want 403", r.Status)
	}
	if r := e.call("PUT", "/v1/me/security-answers", tok, map[string]any{"currentPassword": oldPassword, "securityAnswers": fresh[:2]}); r.Status != 400 {
		t.Errorf("two answers = %d; want 400", r.Status)
	}
	if r := e.call("PUT", "/v1/me/security-answers", tok, map[string]any{"currentPassword": oldPassword, "securityAnswers": fresh}); r.Status != 204 {
		t.Fatalf("change answers = %d %s", r.Status, r.Body)
	}
	u := e.stored(id)
	given := []identity.AnswerInput{{QuestionID: "q02", Answer: "lisbon"}, {QuestionID: "q03", Answer: "ford  fiesta"}, {QuestionID: "q04", Answer: "ELM STREET"}}
	if !e.d.Users.CheckAnswers(u, given) {
		t.Errorf("the new answers do not match")
	}
	if got := testenv.WaitMails(t, email, 1); len(got) != 1 {
		t.Errorf("mails = %s; want the notice", subjects(got))
	}
}

// TestPasswordChangeDeletesResetToken: a reset spends its token item, and a
// signed-in password change deletes the item of a link still live, which no
// longer opens anything (the reset package owns these items; identity only
// clears the user's pointer to them).
func TestPasswordChangeDeletesResetToken(t *testing.T) {
	e := newEnv(t)
	tokenItem := func(tok string) bool {
		t.Helper()
		var item map[string]any
		found, err := e.d.Store.Get(context.Background(), store.Key{PK: "RESET#" + session.HashToken(tok), SK: "RESET"}, &item)
		if err != nil {
			t.Fatal(err)
		}
		return found
	}

	email, _ := e.user("spend")
	e.requestLink(email)
	tok := e.latestToken(email, 1)
	if !tokenItem(tok) {
		t.Fatal("no token item after the request")
	}
	if r := e.confirm(tok, rightAnswers(), newPassword); r.Status != 204 {
		t.Fatalf("reset = %d %s; want 204", r.Status, r.Body)
	}
	if tokenItem(tok) {
		t.Error("the spent token's item is still there")
	}

	email, _ = e.user("change")
	_, current := e.signIn(email, oldPassword)
	e.requestLink(email)
	tok = e.latestToken(email, 1)
	if r := e.call("POST", "/v1/me/password", current, map[string]string{"currentPassword": oldPassword, "newPassword": newPassword}); r.Status != 204 {
		t.Fatalf("change = %d %s; want 204", r.Status, r.Body)
	}
	if tokenItem(tok) {
		t.Error("a signed-in change left the live link's token item")
	}
	if r := e.call("GET", "/v1/password-resets/"+url.PathEscape(tok), "", nil); r.Status != 410 {
		t.Errorf("the link after a signed-in change = %d; want 410", r.Status)
	}
}
