package identity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/password"
	"github.com/partner-portal/portal/shared/session"
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
	// Put is the write that records e inside the action's own transaction.
	Put(ctx context.Context, e audit.Event) (types.TransactWriteItem, error)
}

// Sessions starts a user's sessions inside the sign-in's own transaction
// and ends them: all of them, or all but one.
type Sessions interface {
	EpochWith(ctx context.Context, userID string, other store.Key) (int64, map[string]types.AttributeValue, error)
	Start(o session.Owner, epoch int64, userAgent, ip string) (string, session.Session, []types.TransactWriteItem, error)
	EndAll(ctx context.Context, userID string) error
	EndAllExcept(ctx context.Context, userID string, keep session.Session) error
}

// Service is the identity domain.
type Service struct {
	Store     *store.Store
	Hasher    *password.Hasher
	Policy    password.Policy
	Lockout   Lockout
	Mail      Mailer
	Audit     Auditor
	Sessions  Sessions
	PortalURL string
	Now       func() time.Time
	Log       *slog.Logger
	// Verification is the public sign-up's confirmation link.
	Verification Verification
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

// SignUp creates a user whose address is already proven — seeded and
// imported users, staff, an invitee signing up from the emailed link — after
// the password policy passes. The email is unique: a second user with it is
// 409 email_taken. The public sign-up is Register.
func (s *Service) SignUp(ctx context.Context, nu NewUser, c Client) (*User, error) {
	if broken := s.Policy.Check(nu.Password, nu.Email, nu.Name); len(broken) > 0 {
		return nil, password.Rejected(broken)
	}
	u, err := s.newUser(nu)
	if err != nil {
		return nil, err
	}
	var extra []types.TransactWriteItem
	if u.StaffRole == Admin { // seeded and test admins count too
		count, err := (Staff{Store: s.Store}).AdminCountItem(1)
		if err != nil {
			return nil, err
		}
		extra = append(extra, count)
	}
	if err := s.insert(ctx, u, extra...); err != nil {
		return nil, err
	}
	s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.SignUp, IP: c.IP, UserAgent: c.UserAgent})
	return u, nil
}

// newUser makes the user of a sign-up: a new id, the password and the three
// answers hashed (four argon2id hashes).
func (s *Service) newUser(nu NewUser) (*User, error) {
	hash, err := s.Hasher.Hash(nu.Password)
	if err != nil {
		return nil, err
	}
	u := &User{
		ID: store.NewID(), Email: nu.Email, Name: nu.Name, PasswordHash: hash, PasswordHistory: []string{hash},
		Status: Active, StaffRole: nu.StaffRole, CreatedAt: s.Now().UTC(),
	}
	u.Key = userKey(u.ID)
	staffIndex(u)
	for _, a := range nu.Answers {
		h, err := s.Hasher.Hash(NormalizeAnswer(a.Answer))
		if err != nil {
			return nil, err
		}
		u.SecurityAnswers = append(u.SecurityAnswers, SecurityAnswer{QuestionID: a.QuestionID, Hash: h})
	}
	return u, nil
}

// Started is the session a successful sign-in began: its token is shown
// once, in the answer.
type Started struct {
	Token   string
	Session session.Session
}

// ErrEmailNotVerified answers the right password of a user who has not yet
// confirmed their address.
var ErrEmailNotVerified = fault.New(fault.Forbidden, "email_not_verified",
	"confirm your email address first: follow the link we sent you, or ask for a new one")

// SignIn checks an email and password and starts a session. Every failure is
// ErrInvalidCredentials and costs one argon2id verification and the same two
// writes (a count and an audit event), found user or not, so neither the
// answer nor its time tells a known address from an unknown one.
//
// A password is accepted only by one conditional write on the user — still
// active, not locked, fewer failures than the threshold, the password hash
// that was checked — in the same transaction as the new session (and the
// check that the user's session epoch has not moved). A burst of guesses
// that all read the user before the lock landed cannot get past it, and a
// sign-in racing a suspension or a reset leaves no session behind.
func (s *Service) SignIn(ctx context.Context, email, pw string, c Client) (*User, Started, error) {
	u, epoch, now, err := s.checkPassword(ctx, email, pw, c)
	if err != nil {
		return nil, Started{}, err
	}
	rehash, err := s.rehashIfWeak(u, pw)
	if err != nil {
		return nil, Started{}, err
	}
	token, sess, startItems, err := s.Sessions.Start(
		session.Owner{UserID: u.ID, Email: u.Email, Name: u.Name, StaffRole: string(u.StaffRole)}, epoch, c.UserAgent, c.IP)
	if err != nil {
		return nil, Started{}, err
	}
	if err := s.accept(ctx, u, now, rehash, startItems, c); err != nil {
		return nil, Started{}, err
	}
	t := now.UTC()
	u.LastSignInAt, u.FailedAttempts, u.LockedUntil = &t, 0, 0
	if rehash != "" {
		u.PasswordHash = rehash
	}
	return u, Started{Token: token, Session: sess}, nil
}

// checkPassword finds the user with the email and checks the password: it
// returns the user, if they may sign in, the session epoch read with them,
// and the time of the check. Every failure, known user or not, makes the
// same reads, costs one argon2id verification, one counting write and one
// audit event, and is ErrInvalidCredentials.
func (s *Service) checkPassword(ctx context.Context, email, pw string, c Client) (*User, int64, time.Time, error) {
	norm, err := mail.Normalize(email)
	if err != nil {
		s.Hasher.Verify(pw, "")
		s.unknownFailure(ctx, email, c)
		return nil, 0, time.Time{}, ErrInvalidCredentials
	}
	u, epoch, found, err := s.forSignIn(ctx, norm)
	if err != nil {
		return nil, 0, time.Time{}, err
	}
	if !found {
		s.Hasher.Verify(pw, "")
		s.unknownFailure(ctx, norm, c)
		return nil, 0, time.Time{}, ErrInvalidCredentials
	}
	ok := s.Hasher.Verify(pw, u.PasswordHash)
	now := s.Now()
	switch {
	case u.Status == Suspended:
		return nil, 0, now, s.failure(ctx, u, "suspended", false, now, c)
	case u.Status == Deactivated:
		return nil, 0, now, s.failure(ctx, u, "deactivated", false, now, c)
	case u.Locked(now):
		return nil, 0, now, s.failure(ctx, u, "locked", false, now, c)
	case !ok:
		return nil, 0, now, s.failure(ctx, u, "wrong_password", true, now, c)
	case u.EmailPending:
		return nil, 0, now, ErrEmailNotVerified
	}
	return u, epoch, now, nil
}

// rehashIfWeak is the password hashed afresh when u's hash was made with weaker
// parameters than today's, or "".
func (s *Service) rehashIfWeak(u *User, pw string) (string, error) {
	if !s.Hasher.NeedsRehash(u.PasswordHash) {
		return "", nil
	}
	return s.Hasher.Hash(pw)
}

// accept writes, in one transaction, the conditional acceptance of u's
// password and the new session's items. A condition that fails means the
// user changed since the read, and is answered like any failed sign-in.
func (s *Service) accept(ctx context.Context, u *User, now time.Time, rehash string, startItems []types.TransactWriteItem, c Client) error {
	item, err := s.acceptItem(u, now, rehash)
	if err != nil {
		return err
	}
	items := append([]types.TransactWriteItem{item}, startItems...)
	events := []audit.Event{{UserID: u.ID, ActorID: u.ID, Action: audit.SignIn, At: now, IP: c.IP, UserAgent: c.UserAgent}}
	if rehash != "" {
		events = append(events, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.PasswordRehash, At: now, IP: c.IP, UserAgent: c.UserAgent})
	}
	for _, e := range events {
		put, err := s.Audit.Put(ctx, e)
		if err != nil {
			return err
		}
		items = append(items, put)
	}
	if err := s.Store.Transact(ctx, items); err != nil {
		if isCondition(err) {
			// Locked, suspended, reset or signed out everywhere since the
			// read: the password no longer opens anything.
			s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.SignInFailed, At: now, IP: c.IP, UserAgent: c.UserAgent,
				Details: map[string]string{"reason": "changed_meanwhile"}})
			return ErrInvalidCredentials
		}
		return fmt.Errorf("sign in: %w", err)
	}
	return nil
}

// failure records a failed sign-in of a known user: one write that counts it
// (a wrong password adds one to the consecutive failures; a refusal for
// another reason only notes the time) beside one audit event, and the
// lockout when the count reaches the threshold.
func (s *Service) failure(ctx context.Context, u *User, reason string, wrongPassword bool, now time.Time, c Client) error {
	var n int
	var countErr error
	var wg sync.WaitGroup
	wg.Go(func() { n, countErr = s.countFailure(ctx, u.ID, wrongPassword, now) })
	wg.Go(func() {
		s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.SignInFailed, At: now, IP: c.IP, UserAgent: c.UserAgent,
			Details: map[string]string{"reason": reason}})
	})
	wg.Wait()
	if countErr != nil {
		return countErr
	}
	if wrongPassword && n >= s.Lockout.Threshold {
		if err := s.lockOut(ctx, u, n, now, c); err != nil {
			return err
		}
	}
	return ErrInvalidCredentials
}

// unknownFailure does for an address with no user what failure does for a
// known one — one counting write and one audit event — so that the two
// cannot be told apart by their time. The events of unknown addresses go to
// a list per address digest that no route shows, kept 30 days; operations can
// read them to spot credential stuffing.
func (s *Service) unknownFailure(ctx context.Context, email string, c Client) {
	subject := "unknown-" + digest(strings.ToLower(strings.TrimSpace(email)))
	now := s.Now()
	var wg sync.WaitGroup
	wg.Go(func() {
		upd := expression.Add(expression.Name("failedAttempts"), expression.Value(1)).
			Set(expression.Name("lastFailedAt"), expression.Value(now.UTC())).
			Set(expression.Name("expiresAt"), expression.Value(now.Add(24*time.Hour).Unix()))
		var after struct {
			FailedAttempts int `dynamodbav:"failedAttempts"`
		}
		if err := s.Store.Update(ctx, unknownKey(subject), upd, nil, &after); err != nil {
			s.Log.ErrorContext(ctx, "failed sign-in of an unknown address not counted", "err", err.Error())
		}
	})
	wg.Go(func() {
		s.record(ctx, audit.Event{UserID: subject, Action: audit.SignInFailed, At: now, IP: c.IP, UserAgent: c.UserAgent,
			Details: map[string]string{"reason": "unknown_email"}, ExpiresAt: now.Add(30 * 24 * time.Hour).Unix()})
	})
	wg.Wait()
}

func digest(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:16])
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
