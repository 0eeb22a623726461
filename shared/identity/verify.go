package identity

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/password"
	"github.com/partner-portal/portal/shared/session"
	"github.com/partner-portal/portal/shared/store"
)

// Verification holds the limits of the public sign-up and its emailed
// confirmation link.
type Verification struct {
	TTL     time.Duration // how long a link lives; default 24 hours
	PerHour int           // verification emails per address per clock hour; default 3
	// MinDuration is the least time a sign-up or a request for a new link
	// takes, so that a new and a taken address cannot be told apart by the
	// clock.
	MinDuration time.Duration
}

// DefaultVerification is the configuration when nothing is set.
var DefaultVerification = Verification{TTL: 24 * time.Hour, PerHour: 3, MinDuration: 600 * time.Millisecond}

type verifyToken struct {
	store.Key
	UserID    string    `dynamodbav:"userId"`
	CreatedAt time.Time `dynamodbav:"createdAt"`
	ExpiresAt int64     `dynamodbav:"expiresAt"`
}

func verifyKey(hash string) store.Key { return store.Key{PK: "VERIFY#" + hash, SK: "VERIFY"} }

// Register is the public sign-up. It says nothing about whether the address
// already has a user: the caller answers 202 whatever happens, and both paths
// do the same work — the policy check, four argon2id hashes, one
// transaction, one email.
//
//   - A new address gets a user whose address is pending and an email with a
//     link to /verify-email; until it is followed the user cannot sign in.
//   - An address whose user is still pending gets that user's credentials
//     replaced by these and a new link (the older one stops working): whoever
//     holds the mailbox decides which sign-up becomes the user, and nobody
//     can reserve someone else's address by signing up first.
//   - A confirmed address gets an email saying someone tried to sign up with
//     it, with links to sign in and to reset the password.
//
// Sign-ups and requests for a new link of one address share an hourly
// limit (VERIFY_REQUESTS_PER_HOUR): past it nothing is sent or changed, so
// nobody can flood an address with mail through this route.
func (s *Service) Register(ctx context.Context, nu NewUser, c Client) error {
	if broken := s.Policy.Check(nu.Password, nu.Email, nu.Name); len(broken) > 0 {
		return password.Rejected(broken)
	}
	u, err := s.newUser(nu)
	if err != nil {
		return err
	}
	u.EmailPending = true
	tok, issue, err := s.verifyItems(u.ID)
	if err != nil {
		return err
	}
	u.VerifyTokenHash = session.HashToken(tok)
	// Every sign-up mails the address, so the address counts them: past the
	// hourly limit nothing more is sent or changed (the same write either way).
	n, err := s.countVerifyRequest(ctx, nu.Email)
	if err != nil {
		return err
	}
	if n > s.Verification.PerHour {
		return nil
	}
	err = s.insert(ctx, u, issue...)
	if err == nil {
		s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.SignUp, IP: c.IP, UserAgent: c.UserAgent})
		s.sendVerification(ctx, u, tok)
		return nil
	}
	if !errors.Is(err, errEmailTaken) {
		return err
	}
	existing, found, err := s.byEmail(ctx, nu.Email)
	if err != nil || !found {
		return err
	}
	if existing.EmailPending {
		return s.replacePending(ctx, existing, u, c)
	}
	s.record(ctx, audit.Event{UserID: existing.ID, Action: audit.SignUpAttempt, IP: c.IP, UserAgent: c.UserAgent})
	s.notify(ctx, existing, "signup_taken", map[string]any{
		"Name": existing.Name, "SignInURL": s.PortalURL + "/sign-in", "ResetURL": s.PortalURL + "/forgot-password",
	})
	return nil
}

// replacePending gives the pending user existing the credentials of the
// newer sign-up fresh, and a new link in place of the old one.
func (s *Service) replacePending(ctx context.Context, existing, fresh *User, c Client) error {
	tok, issue, err := s.verifyItems(existing.ID)
	if err != nil {
		return err
	}
	hash := session.HashToken(tok)
	upd := expression.Set(expression.Name("name"), expression.Value(fresh.Name)).
		Set(expression.Name("passwordHash"), expression.Value(fresh.PasswordHash)).
		Set(expression.Name("passwordHistory"), expression.Value(fresh.PasswordHistory)).
		Set(expression.Name("securityAnswers"), expression.Value(fresh.SecurityAnswers)).
		Set(expression.Name("verifyTokenHash"), expression.Value(hash))
	cond := expression.Name("emailPending").Equal(expression.Value(true))
	point, err := store.TxUpdate(s.Store.Table, userKey(existing.ID), upd, &cond)
	if err != nil {
		return err
	}
	items := append([]types.TransactWriteItem{point}, issue...)
	if existing.VerifyTokenHash != "" {
		del, err := store.TxDelete(s.Store.Table, verifyKey(existing.VerifyTokenHash), nil)
		if err != nil {
			return err
		}
		items = append(items, del)
	}
	if err := s.Store.Transact(ctx, items); err != nil {
		if isCondition(err) {
			return nil // confirmed meanwhile: this sign-up comes too late
		}
		return fmt.Errorf("replace pending sign-up: %w", err)
	}
	existing.Name = fresh.Name
	s.record(ctx, audit.Event{UserID: existing.ID, ActorID: existing.ID, Action: audit.SignUp, IP: c.IP, UserAgent: c.UserAgent,
		Details: map[string]string{"replaced": "pending sign-up"}})
	s.sendVerification(ctx, existing, tok)
	return nil
}

// verifyItems makes a verification token for the user and the write that
// stores it (only its hash).
func (s *Service) verifyItems(userID string) (string, []types.TransactWriteItem, error) {
	tok, err := session.NewToken()
	if err != nil {
		return "", nil, err
	}
	now := s.Now().UTC()
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	put, err := store.TxPut(s.Store.Table, verifyToken{
		Key: verifyKey(session.HashToken(tok)), UserID: userID, CreatedAt: now, ExpiresAt: now.Add(s.Verification.TTL).Unix(),
	}, &notExists)
	if err != nil {
		return "", nil, err
	}
	return tok, []types.TransactWriteItem{put}, nil
}

// sendVerification mails the link. A failure is logged: the answer to the
// sign-up is the same either way, and a new link can be asked for.
func (s *Service) sendVerification(ctx context.Context, u *User, tok string) {
	s.notify(ctx, u, "verify_email", map[string]any{
		"Name": u.Name, "Link": s.PortalURL + "/verify-email?token=" + url.QueryEscape(tok),
		"Hours": int(s.Verification.TTL.Hours()), "ResendURL": s.PortalURL + "/verify-email",
	})
}

// ErrVerificationGone is the one answer for a verification link that is
// unknown, used, superseded or expired.
var ErrVerificationGone = fault.New(fault.Gone, "token_expired", "this link has expired or was already used; ask for a new one")

// VerifyEmail spends a verification token: the user's address is confirmed
// and they can sign in. The token item and the user's pointer to it go in one
// transaction, so a link works once and only the newest one works.
func (s *Service) VerifyEmail(ctx context.Context, tok string, c Client) error {
	if !session.WellFormed(tok) {
		return ErrVerificationGone
	}
	hash := session.HashToken(tok)
	var t verifyToken
	found, err := s.Store.Get(ctx, verifyKey(hash), &t)
	if err != nil {
		return err
	}
	if !found || s.Now().Unix() >= t.ExpiresAt {
		return ErrVerificationGone
	}
	exists := expression.AttributeExists(expression.Name(store.AttrPK))
	spend, err := store.TxDelete(s.Store.Table, t.Key, &exists)
	if err != nil {
		return err
	}
	cond := expression.Name("verifyTokenHash").Equal(expression.Value(hash))
	confirm, err := store.TxUpdate(s.Store.Table, userKey(t.UserID),
		expression.Remove(expression.Name("emailPending")).Remove(expression.Name("verifyTokenHash")), &cond)
	if err != nil {
		return err
	}
	if err := s.Store.Transact(ctx, []types.TransactWriteItem{spend, confirm}); err != nil {
		if isCondition(err) {
			return ErrVerificationGone
		}
		return fmt.Errorf("verify email: %w", err)
	}
	s.record(ctx, audit.Event{UserID: t.UserID, ActorID: t.UserID, Action: audit.EmailVerified, IP: c.IP, UserAgent: c.UserAgent})
	return nil
}

// ResendVerification mails a new link to the pending user with email, within
// the hourly limit. Like Register it says nothing either way and does the same
// counting write for every address.
func (s *Service) ResendVerification(ctx context.Context, email string, c Client) error {
	norm, err := mail.Normalize(email)
	if err != nil {
		return fault.Field("email", "is not a valid email address")
	}
	u, found, err := s.byEmail(ctx, norm)
	if err != nil {
		return err
	}
	n, err := s.countVerifyRequest(ctx, norm)
	if err != nil {
		return err
	}
	if !found || !u.EmailPending || n > s.Verification.PerHour {
		return nil
	}
	tok, issue, err := s.verifyItems(u.ID)
	if err != nil {
		return err
	}
	hash := session.HashToken(tok)
	cond := expression.Name("emailPending").Equal(expression.Value(true))
	point, err := store.TxUpdate(s.Store.Table, userKey(u.ID), expression.Set(expression.Name("verifyTokenHash"), expression.Value(hash)), &cond)
	if err != nil {
		return err
	}
	items := append([]types.TransactWriteItem{point}, issue...)
	if u.VerifyTokenHash != "" {
		del, err := store.TxDelete(s.Store.Table, verifyKey(u.VerifyTokenHash), nil)
		if err != nil {
			return err
		}
		items = append(items, del)
	}
	if err := s.Store.Transact(ctx, items); err != nil {
		if isCondition(err) {
			return nil // confirmed meanwhile
		}
		return fmt.Errorf("resend verification: %w", err)
	}
	s.sendVerification(ctx, u, tok)
	return nil
}

// countVerifyRequest adds one to this clock hour's sign-ups and verification
// requests for the address (by digest) and returns the count.
func (s *Service) countVerifyRequest(ctx context.Context, email string) (int, error) {
	now := s.Now().UTC()
	var after struct {
		Count int `dynamodbav:"count"`
	}
	upd := expression.Add(expression.Name("count"), expression.Value(1)).
		Set(expression.Name("expiresAt"), expression.Value(now.Add(2*time.Hour).Unix()))
	key := store.Key{PK: "VERIFYRATE#" + digest(email), SK: now.Format("2006-01-02T15")}
	if err := s.Store.Update(ctx, key, upd, nil, &after); err != nil {
		return 0, fmt.Errorf("count verification request: %w", err)
	}
	return after.Count, nil
}
