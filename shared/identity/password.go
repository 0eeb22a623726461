package identity

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/password"
	"github.com/partner-portal/portal/shared/session"
	"github.com/partner-portal/portal/shared/store"
)

// CheckNewPassword returns the 422 for a new password of u that breaks the
// policy or repeats one of the last Policy.History passwords, or nil.
func (s *Service) CheckNewPassword(u *User, pw string) error {
	if err := s.CheckPolicy(u, pw); err != nil {
		return err
	}
	return s.CheckHistory(u, pw)
}

// CheckPolicy returns the 422 for a new password of u that breaks the
// policy, or nil. It looks at no secret of u's (only the email and name the
// policy keeps out of passwords), so it may run before the caller has proved
// anything.
func (s *Service) CheckPolicy(u *User, pw string) error {
	broken := s.Policy.Check(pw, u.Email, u.Name)
	for i := range broken {
		broken[i].Field = "newPassword"
	}
	if len(broken) > 0 {
		return password.Rejected(broken)
	}
	return nil
}

// CheckHistory returns the 422 (rule reused) for a new password of u that
// repeats one of the last Policy.History passwords, or nil. It tells whether
// pw was one of u's passwords, so it runs only once the caller has proved who
// they are.
func (s *Service) CheckHistory(u *User, pw string) error {
	if s.Policy.History <= 0 {
		return nil
	}
	history := u.PasswordHistory
	if len(history) > s.Policy.History {
		history = history[:s.Policy.History]
	}
	for _, old := range history {
		if s.Hasher.Verify(pw, old) {
			return password.Rejected([]fault.Detail{{Field: "newPassword", Rule: "reused",
				Message: fmt.Sprintf("choose a password you have not used for your last %d", s.Policy.History)}})
		}
	}
	return nil
}

// PasswordChange is a validated new password for a user, with how it came.
type PasswordChange struct {
	User     *User
	Password string
	// KeepSession is a session to leave running (a signed-in change keeps
	// the session it was made from); every other session ends.
	KeepSession session.Session
	// ResetToken, when set, is the hash of the reset token being spent: the
	// change happens only if it is still the user's live token.
	ResetToken string
	Action     string // audit action
	Client     Client
}

// ChangePassword replaces the password (policy and history already checked),
// clears the lockout and the user's pointer to any live reset token (which
// no longer opens anything then; its item is the reset package's), ends the
// user's sessions (but KeepSession), tells the user by email and audits it.
func (s *Service) ChangePassword(ctx context.Context, pc PasswordChange) error {
	hash, err := s.Hasher.Hash(pc.Password)
	if err != nil {
		return err
	}
	history := append([]string{hash}, pc.User.PasswordHistory...)
	if n := max(s.Policy.History, 1); len(history) > n {
		history = history[:n]
	}
	upd := expression.Set(expression.Name("passwordHash"), expression.Value(hash)).
		Set(expression.Name("passwordHistory"), expression.Value(slices.Clip(history))).
		Set(expression.Name("failedAttempts"), expression.Value(0)).
		Remove(expression.Name("lockedUntil")).
		Remove(expression.Name("resetTokenHash"))
	cond := expression.AttributeExists(expression.Name(store.AttrPK))
	if pc.ResetToken != "" {
		cond = cond.And(expression.Name("resetTokenHash").Equal(expression.Value(pc.ResetToken)))
	} else {
		// A signed-in change: only with the password just checked, and not
		// while a lock is in force.
		cond = cond.And(s.unlockedWith(pc.User))
	}
	if err := s.Store.Update(ctx, userKey(pc.User.ID), upd, &cond, nil); err != nil {
		switch {
		case pc.ResetToken != "" && isCondition(err):
			return ErrTokenGone
		case isCondition(err):
			return errPasswordIncorrect
		}
		return fmt.Errorf("change password: %w", err)
	}
	if err := s.Sessions.EndAllExcept(ctx, pc.User.ID, pc.KeepSession); err != nil {
		return err
	}
	s.record(ctx, audit.Event{UserID: pc.User.ID, ActorID: pc.User.ID, Action: pc.Action, IP: pc.Client.IP, UserAgent: pc.Client.UserAgent})
	s.notify(ctx, pc.User, "password_changed", map[string]any{"Name": pc.User.Name, "SignInURL": s.PortalURL + "/sign-in", "ResetURL": s.PortalURL + "/forgot-password"})
	return nil
}

// notify sends a notice to the user; a failure is logged, not returned, since
// the change it reports has happened.
func (s *Service) notify(ctx context.Context, u *User, template string, data map[string]any) {
	if err := s.Mail.Send(ctx, mail.Message{To: u.Email, Template: template, Data: data}); err != nil {
		s.Log.ErrorContext(ctx, "notice not sent", "template", template, "user_id", u.ID, "err", err.Error())
	}
}

// ErrTokenGone is the one answer for a reset token that is unknown, used,
// superseded, burnt or expired.
var ErrTokenGone = fault.New(fault.Gone, "token_expired", "this link has expired or was already used; ask for a new one")

// SetResetTokenItem is the transaction item that makes hash the live reset
// token of the existing user userID, replacing the one before.
func (s *Service) SetResetTokenItem(userID, hash string) (types.TransactWriteItem, error) {
	exists := expression.AttributeExists(expression.Name(store.AttrPK))
	return store.TxUpdate(s.Store.Table, userKey(userID), expression.Set(expression.Name("resetTokenHash"), expression.Value(hash)), &exists)
}

// ClearResetTokenItem is the transaction item that leaves userID with no
// live reset token, if hash is still the live one (the transaction fails
// its condition otherwise).
func (s *Service) ClearResetTokenItem(userID, hash string) (types.TransactWriteItem, error) {
	cond := expression.Name("resetTokenHash").Equal(expression.Value(hash))
	return store.TxUpdate(s.Store.Table, userKey(userID), expression.Remove(expression.Name("resetTokenHash")), &cond)
}

// CheckAnswers reports whether the answers match the user's three security
// answers (each answer matched to its question; order does not matter).
// Every stored answer is verified, so the cost does not depend on which is
// wrong.
func (s *Service) CheckAnswers(u *User, given []AnswerInput) bool {
	byQuestion := map[string]string{}
	for _, a := range given {
		byQuestion[a.QuestionID] = NormalizeAnswer(a.Answer)
	}
	ok := len(u.SecurityAnswers) == SecurityQuestions
	for _, stored := range u.SecurityAnswers {
		answer, found := byQuestion[stored.QuestionID]
		if !s.Hasher.Verify(answer, stored.Hash) || !found {
			ok = false
		}
	}
	return ok
}

var errPasswordIncorrect = fault.New(fault.Forbidden, "password_incorrect", "the current password is not right")

// unlockedWith holds while u is not locked and still has the password hash
// it was read with.
func (s *Service) unlockedWith(u *User) expression.ConditionBuilder {
	return expression.Name("passwordHash").Equal(expression.Value(u.PasswordHash)).And(notLocked(s.Now()))
}

// VerifyPassword checks the current password of a signed-in user; a wrong
// one counts toward the lockout like a failed sign-in. A locked user gets
// the same refusal whatever they send, so a signed-in attacker cannot go on
// guessing once the lock is in force (the write the caller makes next is
// conditional on it too).
func (s *Service) VerifyPassword(ctx context.Context, u *User, pw string, c Client) error {
	ok := s.Hasher.Verify(pw, u.PasswordHash)
	if u.Locked(s.Now()) {
		s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.PasswordCheckFailed, IP: c.IP, UserAgent: c.UserAgent,
			Details: map[string]string{"reason": "locked"}})
		return errPasswordIncorrect
	}
	if ok {
		return nil
	}
	if err := s.CountFailure(ctx, u, c); err != nil {
		return err
	}
	return errPasswordIncorrect
}

// CountFailure counts a failed password check of a signed-in user (a wrong
// current password, a wrong legacy password) toward their lockout.
func (s *Service) CountFailure(ctx context.Context, u *User, c Client) error {
	now := s.Now()
	n, err := s.countFailure(ctx, u.ID, true, now)
	if err != nil {
		return err
	}
	if n >= s.Lockout.Threshold {
		if err := s.lockOut(ctx, u, n, now, c); err != nil {
			return err
		}
	}
	s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.PasswordCheckFailed, IP: c.IP, UserAgent: c.UserAgent})
	return nil
}

// SetAnswers replaces the user's three security answers (validated).
func (s *Service) SetAnswers(ctx context.Context, u *User, answers []AnswerInput, c Client) error {
	var hashed []SecurityAnswer
	for _, a := range answers {
		h, err := s.Hasher.Hash(NormalizeAnswer(a.Answer))
		if err != nil {
			return err
		}
		hashed = append(hashed, SecurityAnswer{QuestionID: a.QuestionID, Hash: h})
	}
	cond := expression.AttributeExists(expression.Name(store.AttrPK)).And(s.unlockedWith(u))
	err := s.Store.Update(ctx, userKey(u.ID), expression.Set(expression.Name("securityAnswers"), expression.Value(hashed)), &cond, nil)
	if isCondition(err) {
		return errPasswordIncorrect
	}
	if err != nil {
		return fmt.Errorf("set security answers: %w", err)
	}
	s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.SecurityAnswersChanged, IP: c.IP, UserAgent: c.UserAgent})
	s.notify(ctx, u, "answers_changed", map[string]any{"Name": u.Name, "ResetURL": s.PortalURL + "/forgot-password"})
	return nil
}
