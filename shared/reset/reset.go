// Package reset is the forgotten-password journey: a one-hour, single-use
// link by email, then the user's three security questions and a new password.
// The questions are an extra check after the emailed link, never a way in on
// their own (docs/security.md).
package reset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/session"
	"github.com/partner-portal/portal/shared/store"
)

// Config holds the limits of the journey.
type Config struct {
	TTL     time.Duration // how long a link lives; default one hour
	PerHour int           // reset emails per user per clock hour; default 3
	// MinDuration is the least time a request for a link takes, so that a
	// known and an unknown email cannot be told apart by the clock.
	MinDuration time.Duration
}

// DefaultConfig is the configuration when nothing is set.
var DefaultConfig = Config{TTL: time.Hour, PerHour: 3, MinDuration: 300 * time.Millisecond}

// MaxWrongAnswers is the number of wrong answer sets that burns a link.
const MaxWrongAnswers = 3

// Service runs the journey.
type Service struct {
	Store     *store.Store
	Users     *identity.Service
	Mail      identity.Mailer
	Audit     identity.Auditor
	Config    Config
	PortalURL string
	Now       func() time.Time
	Log       *slog.Logger
}

// tokenKey is the key of a reset token item, by token hash.
func tokenKey(hash string) store.Key { return store.Key{PK: "RESET#" + hash, SK: "RESET"} }

type token struct {
	store.Key
	UserID       string    `dynamodbav:"userId"`
	WrongAnswers int       `dynamodbav:"wrongAnswers"`
	CreatedAt    time.Time `dynamodbav:"createdAt"`
	ExpiresAt    int64     `dynamodbav:"expiresAt"`
	hash         string    // of the token, as read by lookup
}

// Request sends a reset link to the user with email, if there is one who may
// have it and the hourly limit allows. It says nothing either way: the caller
// answers 202 whatever happens, after the same store work.
func (s *Service) Request(ctx context.Context, email string, c identity.Client) error {
	norm, err := mail.Normalize(email)
	if err != nil {
		return fault.Field("email", "is not a valid email address")
	}
	u, found, err := s.Users.FindByEmail(ctx, norm)
	if err != nil {
		return err
	}
	// Count the request against the user, or against the unknown email, so
	// both paths make the same write.
	subject := "unknown-" + digest(norm)
	if found {
		subject = u.ID
	}
	n, err := s.countRequest(ctx, subject)
	if err != nil {
		return err
	}
	if !found {
		return nil
	}
	details := map[string]string{}
	switch {
	case u.Status != identity.Active:
		details["outcome"] = "refused_" + string(u.Status)
	case n > s.Config.PerHour:
		details["outcome"] = "rate_limited"
	default:
		details["outcome"] = "sent"
	}
	s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.ResetRequested, IP: c.IP, UserAgent: c.UserAgent, Details: details})
	if details["outcome"] != "sent" {
		return nil
	}
	tok, err := s.issue(ctx, u)
	if err != nil {
		return err
	}
	link := s.PortalURL + "/reset-password?token=" + url.QueryEscape(tok)
	return s.Mail.Send(ctx, mail.Message{To: u.Email, Template: "reset_link", Data: map[string]any{
		"Name": u.Name, "Link": link, "Minutes": int(s.Config.TTL.Minutes()),
	}})
}

func digest(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:16])
}

// countRequest adds one to this clock hour's requests for subject (a user
// id, or unknown-<digest> of an address no user has).
func (s *Service) countRequest(ctx context.Context, subject string) (int, error) {
	now := s.Now().UTC()
	var after struct {
		Count int `dynamodbav:"count"`
	}
	upd := expression.Add(expression.Name("count"), expression.Value(1)).
		Set(expression.Name("expiresAt"), expression.Value(now.Add(2*time.Hour).Unix()))
	key := store.Key{PK: "RESETRATE#" + subject, SK: now.Format("2006-01-02T15")}
	if err := s.Store.Update(ctx, key, upd, nil, &after); err != nil {
		return 0, fmt.Errorf("count reset request: %w", err)
	}
	return after.Count, nil
}

// issue makes a new token for u: the old one (if any) is deleted and the
// user's pointer moves on, in one transaction, so only the newest link works.
func (s *Service) issue(ctx context.Context, u *identity.User) (string, error) {
	tok, err := session.NewToken()
	if err != nil {
		return "", err
	}
	hash := session.HashToken(tok)
	now := s.Now().UTC()
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	put, err := store.TxPut(s.Store.Table, token{
		Key: tokenKey(hash), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.Config.TTL).Unix(),
	}, &notExists)
	if err != nil {
		return "", err
	}
	point, err := s.Users.SetResetTokenItem(u.ID, hash)
	if err != nil {
		return "", err
	}
	items := []types.TransactWriteItem{put, point}
	if u.ResetTokenHash != "" {
		del, err := store.TxDelete(s.Store.Table, tokenKey(u.ResetTokenHash), nil)
		if err != nil {
			return "", err
		}
		items = append(items, del)
	}
	if err := s.Store.Transact(ctx, items); err != nil {
		return "", fmt.Errorf("issue reset token: %w", err)
	}
	return tok, nil
}

// lookup returns the live token and its user. Unknown, used, superseded,
// burnt and expired tokens, and tokens of suspended users, are all
// identity.ErrTokenGone.
func (s *Service) lookup(ctx context.Context, tok string) (*token, *identity.User, error) {
	if !session.WellFormed(tok) {
		return nil, nil, identity.ErrTokenGone
	}
	hash := session.HashToken(tok)
	var t token
	found, err := s.Store.Get(ctx, tokenKey(hash), &t)
	if err != nil {
		return nil, nil, err
	}
	if !found || s.Now().Unix() >= t.ExpiresAt {
		return nil, nil, identity.ErrTokenGone
	}
	t.hash = hash
	u, err := s.Users.Get(ctx, t.UserID)
	if fault.Is(err, fault.NotFound) {
		return nil, nil, identity.ErrTokenGone
	}
	if err != nil {
		return nil, nil, err
	}
	if u.ResetTokenHash != hash || u.Status != identity.Active {
		return nil, nil, identity.ErrTokenGone
	}
	return &t, u, nil
}

// Questions returns the three questions of the token's user, in the order
// they were chosen.
func (s *Service) Questions(ctx context.Context, tok string) ([]identity.Question, error) {
	_, u, err := s.lookup(ctx, tok)
	if err != nil {
		return nil, err
	}
	qs := make([]identity.Question, 0, len(u.SecurityAnswers))
	for _, a := range u.SecurityAnswers {
		text, _ := identity.QuestionText(a.QuestionID)
		qs = append(qs, identity.Question{ID: a.QuestionID, Text: text})
	}
	return qs, nil
}

var errAnswers = fault.New(fault.Forbidden, "answers_incorrect", "one or more answers are not right")

// Confirm spends the token. In this order, so that no answer tells anything
// it should not:
//
//   - a new password that breaks the policy is 422 and costs no attempt: the
//     policy looks at no answer, so the same 422 comes whether the answers are
//     right or wrong;
//   - one attempt is counted on the token before any answer is compared, in
//     one conditional write (the token exists, is unexpired and has fewer
//     than MaxWrongAnswers attempts counted); a token past that is 410;
//   - wrong answers are 403, and the attempt that made the count
//     MaxWrongAnswers burns the token and tells the user, once;
//   - right answers give their attempt back (only wrong answer sets stay
//     counted); a new password among the user's last ones is then 422 (rule
//     reused) and keeps the token; otherwise the password is replaced, the
//     lockout cleared and every session ended.
func (s *Service) Confirm(ctx context.Context, tok string, answers []identity.AnswerInput, newPassword string, c identity.Client) error {
	t, u, err := s.lookup(ctx, tok)
	if err != nil {
		return err
	}
	if err := s.Users.CheckPolicy(u, newPassword); err != nil {
		return err
	}
	n, err := s.countAttempt(ctx, t)
	if err != nil {
		return err
	}
	if !s.Users.CheckAnswers(u, answers) {
		return s.wrongAnswers(ctx, t, u, n, c)
	}
	s.giveBackAttempt(ctx, t)
	if err := s.Users.CheckHistory(u, newPassword); err != nil {
		return err
	}
	return s.ChangePassword(ctx, identity.PasswordChange{
		User: u, Password: newPassword, ResetToken: session.HashToken(tok), Action: audit.PasswordReset, Client: c,
	})
}

// ChangePassword changes the password through identity, which ends the
// user's pointer to any live reset token, and then deletes that token's
// item: the live link (if any) dies with the old password. A failed delete
// is logged, not returned: the token no longer opens anything.
func (s *Service) ChangePassword(ctx context.Context, pc identity.PasswordChange) error {
	if err := s.Users.ChangePassword(ctx, pc); err != nil {
		return err
	}
	if pc.User.ResetTokenHash != "" {
		if err := s.Store.Delete(ctx, tokenKey(pc.User.ResetTokenHash), nil); err != nil {
			s.Log.ErrorContext(ctx, "spent reset token not deleted", "user_id", pc.User.ID, "err", err.Error())
		}
	}
	return nil
}

// countAttempt counts one attempt at the answers of t, before they are
// compared, and returns the count with it. Checking the limit and counting
// are one conditional write, so of any number of concurrent attempts at most
// MaxWrongAnswers are ever compared: a token that is gone, expired or out of
// attempts is identity.ErrTokenGone.
func (s *Service) countAttempt(ctx context.Context, t *token) (int, error) {
	var after struct {
		WrongAnswers int `dynamodbav:"wrongAnswers"`
	}
	cond := expression.AttributeExists(expression.Name(store.AttrPK)).
		And(expression.Name("wrongAnswers").LessThan(expression.Value(MaxWrongAnswers))).
		And(expression.Name("expiresAt").GreaterThan(expression.Value(s.Now().Unix())))
	err := s.Store.Update(ctx, t.Key, expression.Add(expression.Name("wrongAnswers"), expression.Value(1)), &cond, &after)
	if errors.Is(err, store.ErrConditionFailed) {
		return 0, identity.ErrTokenGone
	}
	if err != nil {
		return 0, fmt.Errorf("count reset attempt: %w", err)
	}
	return after.WrongAnswers, nil
}

// giveBackAttempt uncounts the attempt of a right set of answers, so that
// only wrong ones use up the token. A token gone meanwhile needs nothing; a
// failure costs the user one attempt and is logged.
func (s *Service) giveBackAttempt(ctx context.Context, t *token) {
	exists := expression.AttributeExists(expression.Name(store.AttrPK))
	err := s.Store.Update(ctx, t.Key, expression.Add(expression.Name("wrongAnswers"), expression.Value(-1)), &exists, nil)
	if err != nil && !errors.Is(err, store.ErrConditionFailed) {
		s.Log.ErrorContext(ctx, "reset attempt not given back", "user_id", t.UserID, "err", err.Error())
	}
}

// wrongAnswers records a wrong set of answers, already counted as attempt n;
// the attempt that made the count MaxWrongAnswers burns the token and tells
// the user. Only the caller whose burn lands sends the mail, so it goes out
// once even if a given-back attempt let two reach the count.
func (s *Service) wrongAnswers(ctx context.Context, t *token, u *identity.User, n int, c identity.Client) error {
	s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.ResetAnswersWrong, IP: c.IP, UserAgent: c.UserAgent,
		Details: map[string]string{"attempt": fmt.Sprint(n)}})
	if n < MaxWrongAnswers {
		return errAnswers
	}
	burnt, err := s.burn(ctx, t)
	if err != nil {
		return err
	}
	if !burnt {
		return errAnswers
	}
	s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.ResetTokenBurnt, IP: c.IP, UserAgent: c.UserAgent})
	if err := s.Mail.Send(ctx, mail.Message{To: u.Email, Template: "reset_burnt", Data: map[string]any{
		"Name": u.Name, "Attempts": MaxWrongAnswers, "ForgotURL": s.PortalURL + "/forgot-password",
	}}); err != nil {
		s.Log.ErrorContext(ctx, "reset-burnt email not sent", "user_id", u.ID, "err", err.Error())
	}
	return errAnswers
}

// burn deletes the token and the user's pointer to it, and reports whether
// this call did: a token already spent, burnt or superseded is left alone, so
// of two callers only one is told it burnt the token.
func (s *Service) burn(ctx context.Context, t *token) (bool, error) {
	exists := expression.AttributeExists(expression.Name(store.AttrPK))
	del, err := store.TxDelete(s.Store.Table, t.Key, &exists)
	if err != nil {
		return false, err
	}
	unpoint, err := s.Users.ClearResetTokenItem(t.UserID, t.hash)
	if err != nil {
		return false, err
	}
	err = s.Store.Transact(ctx, []types.TransactWriteItem{del, unpoint})
	if errors.Is(err, store.ErrConditionFailed) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("burn reset token: %w", err)
	}
	return true, nil
}

func (s *Service) record(ctx context.Context, e audit.Event) {
	if e.At.IsZero() {
		e.At = s.Now()
	}
	if err := s.Audit.Record(ctx, e); err != nil {
		s.Log.ErrorContext(ctx, "audit event not written", "action", e.Action, "err", err.Error())
	}
}
