package identity

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/password"
	"github.com/partner-portal/portal/shared/store"
)

// Lockout is when repeated failures lock a user, and for how long.
type Lockout struct {
	Threshold int           // consecutive failures; default 5
	Duration  time.Duration // default 30 minutes
}

// DefaultLockout is the lockout when nothing is configured.
var DefaultLockout = Lockout{Threshold: 5, Duration: 30 * time.Minute}

// Mailer sends one templated email.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// Auditor records audit events.
type Auditor interface {
	Record(ctx context.Context, e audit.Event) error
}

// SessionEnder ends a user's sessions: all of them, or all but one.
type SessionEnder interface {
	EndAll(ctx context.Context, userID string) error
	EndAllExcept(ctx context.Context, userID, keepID string) error
}

// Service is the identity domain.
type Service struct {
	Store     *store.Store
	Hasher    *password.Hasher
	Policy    password.Policy
	Lockout   Lockout
	Mail      Mailer
	Audit     Auditor
	Sessions  SessionEnder
	PortalURL string
	Now       func() time.Time
	Log       *slog.Logger
	// Scope narrows a specialist's staff actions to the users of the
	// accounts they see (assigned to them, or in the shared pool).
	Scope Scope
}

// Scope answers whether a specialist may act on a user.
type Scope interface {
	SCSSMayActOn(ctx context.Context, scssID, userID string) (bool, error)
}

// Client is who is asking: for the audit trail.
type Client struct {
	IP        string
	UserAgent string
}

// ErrInvalidCredentials is the one answer to every failed sign-in, whatever
// the cause: unknown email, wrong password, locked, suspended, deactivated.
var ErrInvalidCredentials = fault.New(fault.Unauthenticated, "invalid_credentials", "the email or password is not right, or the account cannot sign in now")

// NewUser is a validated sign-up.
type NewUser struct {
	Email     string // normalised
	Password  string
	Name      string
	Answers   []AnswerInput // three, validated
	StaffRole StaffRole
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// SignUp creates a user after the password policy passes. The email is
// unique: a second sign-up with it is 409 email_taken.
func (s *Service) SignUp(ctx context.Context, nu NewUser, c Client) (*User, error) {
	if broken := s.Policy.Check(nu.Password, nu.Email, nu.Name); len(broken) > 0 {
		return nil, password.Rejected(broken)
	}
	hash, err := s.Hasher.Hash(nu.Password)
	if err != nil {
		return nil, err
	}
	u := &User{
		ID: newID(), Email: nu.Email, Name: nu.Name, PasswordHash: hash, PasswordHistory: []string{hash},
		Status: Active, StaffRole: nu.StaffRole, CreatedAt: s.Now().UTC(),
	}
	u.Key = userKey(u.ID)
	for _, a := range nu.Answers {
		h, err := s.Hasher.Hash(NormalizeAnswer(a.Answer))
		if err != nil {
			return nil, err
		}
		u.SecurityAnswers = append(u.SecurityAnswers, SecurityAnswer{QuestionID: a.QuestionID, Hash: h})
	}
	if err := s.insert(ctx, u); err != nil {
		return nil, err
	}
	s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.SignUp, IP: c.IP, UserAgent: c.UserAgent})
	return u, nil
}

// SignIn checks an email and password. Every failure is ErrInvalidCredentials
// and costs one argon2id verification, found user or not. On success start
// (when non-nil) runs alongside the sign-in's own writes; the handler creates
// the session there.
func (s *Service) SignIn(ctx context.Context, email, pw string, c Client, start func(*User) error) (*User, error) {
	norm, err := mail.Normalize(email)
	if err != nil {
		s.Hasher.Verify(pw, "")
		return nil, ErrInvalidCredentials
	}
	u, found, err := s.byEmail(ctx, norm)
	if err != nil {
		return nil, err
	}
	if !found {
		s.Hasher.Verify(pw, "")
		return nil, ErrInvalidCredentials
	}
	ok := s.Hasher.Verify(pw, u.PasswordHash)
	now := s.Now()
	fail := func(reason string) (*User, error) {
		s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.SignInFailed, At: now, IP: c.IP, UserAgent: c.UserAgent,
			Details: map[string]string{"reason": reason}})
		return nil, ErrInvalidCredentials
	}
	switch {
	case u.Status == Suspended:
		return fail("suspended")
	case u.Status == Deactivated:
		return fail("deactivated")
	case u.Locked(now):
		return fail("locked")
	}
	if u.LockedUntil != 0 { // a lock that has run out: count afresh
		if err := s.clearExpiredLock(ctx, u.ID, u.LockedUntil); err != nil {
			return nil, err
		}
	}
	if !ok {
		n, err := s.countFailure(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		if n >= s.Lockout.Threshold {
			if err := s.lockOut(ctx, u, n, now, c); err != nil {
				return nil, err
			}
		}
		return fail("wrong_password")
	}
	var rehash string
	if s.Hasher.NeedsRehash(u.PasswordHash) {
		if rehash, err = s.Hasher.Hash(pw); err != nil {
			return nil, err
		}
		u.PasswordHash = rehash
	}
	t := now.UTC()
	u.LastSignInAt, u.FailedAttempts, u.LockedUntil = &t, 0, 0
	// The bookkeeping writes and the caller's own (the new session) are
	// independent: one round trip for all of them keeps a sign-in close to
	// the cost of its argon2id verification.
	var wg sync.WaitGroup
	var recErr, startErr error
	wg.Go(func() { recErr = s.signedIn(ctx, u.ID, now, rehash) })
	wg.Go(func() {
		s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.SignIn, At: now, IP: c.IP, UserAgent: c.UserAgent})
	})
	if rehash != "" {
		wg.Go(func() {
			s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.PasswordRehash, At: now, IP: c.IP, UserAgent: c.UserAgent})
		})
	}
	if start != nil {
		wg.Go(func() { startErr = start(u) })
	}
	wg.Wait()
	if err := errors.Join(recErr, startErr); err != nil {
		return nil, err
	}
	return u, nil
}

// lockOut locks u after n failures; the one caller that wins the lock writes
// the audit event and emails the user.
func (s *Service) lockOut(ctx context.Context, u *User, n int, now time.Time, c Client) error {
	until := now.Add(s.Lockout.Duration)
	won, err := s.lock(ctx, u.ID, now, until)
	if err != nil || !won {
		return err
	}
	s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.Lockout, At: now, IP: c.IP, UserAgent: c.UserAgent,
		Details: map[string]string{"until": until.UTC().Format(time.RFC3339), "failures": fmt.Sprint(n)}})
	err = s.Mail.Send(ctx, mail.Message{To: u.Email, Template: "lockout", Data: map[string]any{
		"Name": u.Name, "Attempts": s.Lockout.Threshold, "Until": until.UTC().Format("2 January 2006 15:04 MST"),
		"ResetURL": s.PortalURL + "/forgot-password",
	}})
	if err != nil {
		// The lock holds; a lost email must not turn into a sign-in error.
		s.Log.ErrorContext(ctx, "lockout email not sent", "user_id", u.ID, "err", err.Error())
	}
	return nil
}

// Me returns the user and their memberships.
func (s *Service) Me(ctx context.Context, userID string) (*User, []Membership, error) {
	return s.withMemberships(ctx, userID)
}

// Get returns a user by id.
func (s *Service) Get(ctx context.Context, id string) (*User, error) {
	u, found, err := s.byID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errUserNotFound
	}
	return u, nil
}

// StaffAction is what staff can do to a user.
type StaffAction string

// Staff actions.
const (
	ActionUnlock    StaffAction = "unlock"
	ActionSuspend   StaffAction = "suspend"
	ActionReinstate StaffAction = "reinstate"
)

var errNotStaff = fault.New(fault.Forbidden, "forbidden", "only authority staff may do this")

// MayActOn decides whether actor may act on target as staff. Admins act on
// anyone but themselves; an SCSS acts on trade partners, not on staff (and,
// through Scope, only on the users of accounts assigned to them or in the
// shared pool).
func MayActOn(actor, target *User) error {
	switch {
	case actor.StaffRole != Admin && actor.StaffRole != SCSS:
		return errNotStaff
	case actor.ID == target.ID:
		return fault.New(fault.Forbidden, "forbidden", "staff cannot do this to themselves")
	case actor.StaffRole == SCSS && target.StaffRole != "":
		return fault.New(fault.Forbidden, "forbidden", "a specialist cannot do this to other staff")
	}
	return nil
}

// Act applies a staff action to the user targetID on behalf of actorID.
func (s *Service) Act(ctx context.Context, actorID, targetID string, a StaffAction, c Client) error {
	actor, target, err := s.staffPair(ctx, actorID, targetID)
	if err != nil {
		return err
	}
	var upd expression.UpdateBuilder
	var action string
	switch a {
	case ActionUnlock:
		upd = expression.Set(expression.Name("failedAttempts"), expression.Value(0)).Remove(expression.Name("lockedUntil"))
		action = audit.Unlock
	case ActionSuspend:
		upd = expression.Set(expression.Name("status"), expression.Value(Suspended))
		action = audit.Suspend
	case ActionReinstate:
		upd = expression.Set(expression.Name("status"), expression.Value(Active)).
			Set(expression.Name("failedAttempts"), expression.Value(0)).Remove(expression.Name("lockedUntil"))
		action = audit.Reinstate
	default:
		return fault.New(fault.NotFound, "not_found", "no such action")
	}
	if err := s.update(ctx, target.ID, upd); err != nil {
		return err
	}
	if a == ActionSuspend {
		if err := s.Sessions.EndAll(ctx, target.ID); err != nil {
			return err
		}
	}
	s.record(ctx, audit.Event{UserID: target.ID, ActorID: actor.ID, Action: action, At: s.Now(), IP: c.IP, UserAgent: c.UserAgent})
	return nil
}

// staffPair loads actor and target and checks MayActOn. A non-staff actor is
// refused before the target is looked up, so ids cannot be probed.
func (s *Service) staffPair(ctx context.Context, actorID, targetID string) (*User, *User, error) {
	actor, err := s.Get(ctx, actorID)
	if err != nil {
		return nil, nil, err
	}
	if actor.StaffRole == "" {
		return nil, nil, errNotStaff
	}
	target, err := s.Get(ctx, targetID)
	if err != nil {
		return nil, nil, err
	}
	if err := MayActOn(actor, target); err != nil {
		return nil, nil, err
	}
	if actor.StaffRole == SCSS {
		ok, err := s.Scope.SCSSMayActOn(ctx, actor.ID, target.ID)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return nil, nil, fault.New(fault.Forbidden, "forbidden", "this user belongs to no account assigned to you or in the shared pool")
		}
	}
	return actor, target, nil
}

// record writes an audit event; a failure is logged, not returned, so the
// action it describes stands.
func (s *Service) record(ctx context.Context, e audit.Event) {
	if e.At.IsZero() {
		e.At = s.Now()
	}
	if err := s.Audit.Record(ctx, e); err != nil {
		s.Log.ErrorContext(ctx, "audit event not written", "action", e.Action, "err", err.Error())
	}
}

// staffPairOrSelf is staffPair for reading: staff may read what they could
// act on, including their own trail.
func (s *Service) staffPairOrSelf(ctx context.Context, actorID, targetID string) (*User, *User, error) {
	if actorID == targetID {
		actor, err := s.Get(ctx, actorID)
		if err != nil {
			return nil, nil, err
		}
		if actor.StaffRole == "" {
			return nil, nil, errNotStaff
		}
		return actor, actor, nil
	}
	return s.staffPair(ctx, actorID, targetID)
}

// FindByEmail returns the user with the email (normalised by the caller),
// making the same two reads whether or not there is one.
func (s *Service) FindByEmail(ctx context.Context, email string) (*User, bool, error) {
	return s.byEmail(ctx, email)
}

// SetDeliveryStatus records what SES said of the user's address (bounced,
// complained), for the account owner's user list.
func (s *Service) SetDeliveryStatus(ctx context.Context, userID, status string) error {
	return s.update(ctx, userID, expression.Set(expression.Name("deliveryStatus"), expression.Value(status)))
}

// GetMany returns the users with the ids, read in batches of 100; ids with
// no user are absent from the map.
func (s *Service) GetMany(ctx context.Context, ids []string) (map[string]*User, error) {
	out := make(map[string]*User, len(ids))
	for chunk := range slices.Chunk(ids, 100) {
		keys := make([]store.Key, 0, len(chunk))
		for _, id := range chunk {
			keys = append(keys, userKey(id))
		}
		items, err := s.Store.BatchGet(ctx, keys)
		if err != nil {
			return nil, fmt.Errorf("read users: %w", err)
		}
		for _, item := range items {
			var u User
			if err := attributevalue.UnmarshalMap(item, &u); err != nil {
				return nil, fmt.Errorf("unmarshal user: %w", err)
			}
			out[u.ID] = &u
		}
	}
	return out, nil
}
