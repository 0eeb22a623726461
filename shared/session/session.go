// Package session keeps sign-in sessions: an opaque random token handed to the
// client, stored only as its SHA-256 hash, with an idle timeout that slides
// and an absolute lifetime that does not.
//
// Every user has a session epoch. A session is made at the epoch it read and
// is good only while the epoch stays there: suspension, a password change or
// reset raise it, which ends every session of the user at once — including
// one a racing sign-in wrote a moment after the user was suspended. Deleting
// the session items afterwards only tidies up.
package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/store"
)

// Session is one signed-in session of a user.
type Session struct {
	store.Key
	GSI1PK            string    `dynamodbav:"GSI1PK"`
	GSI1SK            string    `dynamodbav:"GSI1SK"`
	ID                string    `dynamodbav:"id"`
	UserID            string    `dynamodbav:"userId"`
	CreatedAt         time.Time `dynamodbav:"createdAt"`
	LastSeenAt        time.Time `dynamodbav:"lastSeenAt"`
	AbsoluteExpiresAt int64     `dynamodbav:"absoluteExpiresAt"`
	ExpiresAt         int64     `dynamodbav:"expiresAt"` // idle expiry, also the TTL
	UserAgent         string    `dynamodbav:"userAgent"`
	IP                string    `dynamodbav:"ip"`
	// Who signed in, as they were then: what authorisation needs on every
	// request without reading the user again. An email never changes, and
	// suspension and a change of staff role end every session.
	Email     string `dynamodbav:"email"`
	Name      string `dynamodbav:"name"`
	StaffRole string `dynamodbav:"staffRole,omitempty"`
	// Epoch is the user's session epoch when the session was made; a raised
	// epoch ends the session.
	Epoch int64 `dynamodbav:"epoch"`
}

// Owner is whose session it is.
type Owner struct {
	UserID, Email, Name, StaffRole string
}

// Config holds the session lifetimes.
type Config struct {
	IdleTimeout time.Duration // default 30 minutes, sliding
	Lifetime    time.Duration // default 12 hours, absolute
	// SlideEvery bounds how often activity is written back: at most once a
	// minute per session, so reads stay reads.
	SlideEvery time.Duration
}

// DefaultConfig is the configuration when nothing is set.
var DefaultConfig = Config{IdleTimeout: 30 * time.Minute, Lifetime: 12 * time.Hour, SlideEvery: time.Minute}

// Service creates, checks and ends sessions.
type Service struct {
	Store  *store.Store
	Config Config
	Now    func() time.Time
	// PortalOrigin is the origin of PORTAL_URL (OriginOf): the only one a
	// cookie-authenticated change may come from.
	PortalOrigin string
}

// tokenBytes is the entropy of a session token.
const tokenBytes = 32

var errNoSession = fault.New(fault.Unauthenticated, "unauthenticated", "sign in first: the session is missing, ended or expired")

// NewToken returns a fresh random token (base64url, no padding).
func NewToken() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken is the hex SHA-256 of a token: the only form a token is stored in.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// WellFormed reports whether token could be one of ours, so garbage costs no
// database read.
func WellFormed(token string) bool {
	b, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil && len(b) == tokenBytes
}

// A session token is a random token and the user's id: "<random>.<userId>".
// The id lets one read fetch the session and the user's epoch together; the
// random part is what makes the token secret.
func sessionToken(userID string) (string, error) {
	t, err := NewToken()
	if err != nil {
		return "", err
	}
	return t + "." + userID, nil
}

// IsSessionToken reports whether token has the form of a session token.
func IsSessionToken(token string) bool {
	_, ok := tokenUser(token)
	return ok
}

// tokenUser returns the user id of a well-formed session token.
func tokenUser(token string) (string, bool) {
	random, userID, ok := strings.Cut(token, ".")
	if !ok || !WellFormed(random) || userID == "" || len(userID) > 64 {
		return "", false
	}
	for _, r := range userID {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return "", false
		}
	}
	return userID, true
}

func key(hash string) store.Key { return store.Key{PK: "SESSION#" + hash, SK: "SESSION"} }

// epochKey is the item holding a user's session epoch (absent means 0).
func epochKey(userID string) store.Key { return store.Key{PK: "SESSIONEPOCH#" + userID, SK: "EPOCH"} }

type epochItem struct {
	store.Key
	Epoch int64 `dynamodbav:"epoch"`
}

// Epoch returns the user's session epoch, strongly consistent.
func (s *Service) Epoch(ctx context.Context, userID string) (int64, error) {
	var it epochItem
	if _, err := s.Store.Get(ctx, epochKey(userID), &it); err != nil {
		return 0, fmt.Errorf("read session epoch: %w", err)
	}
	return it.Epoch, nil
}

// EpochWith reads the user's epoch and the item at other in one
// BatchGetItem: the sign-in reads the user and the epoch its session will be
// made at together. other is nil when there is no such item.
func (s *Service) EpochWith(ctx context.Context, userID string, other store.Key) (int64, map[string]types.AttributeValue, error) {
	ek := epochKey(userID)
	items, err := s.Store.BatchGet(ctx, []store.Key{other, ek})
	if err != nil {
		return 0, nil, fmt.Errorf("read session epoch: %w", err)
	}
	var epoch epochItem
	var found map[string]types.AttributeValue
	for _, item := range items {
		pk, _ := item[store.AttrPK].(*types.AttributeValueMemberS)
		switch {
		case pk == nil:
		case pk.Value == ek.PK:
			if err := attributevalue.UnmarshalMap(item, &epoch); err != nil {
				return 0, nil, fmt.Errorf("unmarshal session epoch: %w", err)
			}
		default:
			found = item
		}
	}
	return epoch.Epoch, found, nil
}

// atEpoch is the condition that the user's epoch is still epoch.
func atEpoch(epoch int64) expression.ConditionBuilder {
	if epoch == 0 {
		return expression.Or(expression.AttributeNotExists(expression.Name(store.AttrPK)), expression.Name("epoch").Equal(expression.Value(0)))
	}
	return expression.Name("epoch").Equal(expression.Value(epoch))
}

// Start prepares a session for the owner at the epoch the caller read: its
// token (shown once), the session, and the writes that store it — only if the
// epoch has not moved — for the caller to put in its own transaction. The
// sign-in puts them beside the conditional write that accepts the password,
// so a session exists only if the user could sign in at that instant.
func (s *Service) Start(o Owner, epoch int64, userAgent, ip string) (string, Session, []types.TransactWriteItem, error) {
	token, err := sessionToken(o.UserID)
	if err != nil {
		return "", Session{}, nil, err
	}
	now := s.Now().UTC()
	id := store.NewID()
	abs := now.Add(s.Config.Lifetime)
	sess := Session{
		Key:               key(HashToken(token)),
		GSI1PK:            "USER#" + o.UserID,
		GSI1SK:            "SESSION#" + now.Format(time.RFC3339) + "#" + id,
		ID:                id,
		UserID:            o.UserID,
		CreatedAt:         now,
		LastSeenAt:        now,
		AbsoluteExpiresAt: abs.Unix(),
		ExpiresAt:         minTime(now.Add(s.Config.IdleTimeout), abs).Unix(),
		UserAgent:         truncate(userAgent, 256),
		IP:                ip,
		Email:             o.Email,
		Name:              o.Name,
		StaffRole:         o.StaffRole,
		Epoch:             epoch,
	}
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	put, err := store.TxPut(s.Store.Table, sess, &notExists)
	if err != nil {
		return "", Session{}, nil, err
	}
	check, err := store.TxCheck(s.Store.Table, epochKey(o.UserID), atEpoch(epoch))
	if err != nil {
		return "", Session{}, nil, err
	}
	return token, sess, []types.TransactWriteItem{put, check}, nil
}

// errEpochMoved is a session start refused because the user's sessions were
// ended (suspension, password change) after the epoch was read.
var errEpochMoved = fault.New(fault.Conflict, "sessions_ended", "your sessions were just ended; sign in again")

// Create starts a session for the owner and returns its token (shown once).
func (s *Service) Create(ctx context.Context, o Owner, userAgent, ip string) (string, Session, error) {
	epoch, err := s.Epoch(ctx, o.UserID)
	if err != nil {
		return "", Session{}, err
	}
	token, sess, items, err := s.Start(o, epoch, userAgent, ip)
	if err != nil {
		return "", Session{}, err
	}
	if err := s.Store.Transact(ctx, items); err != nil {
		if errors.Is(err, store.ErrConditionFailed) {
			return "", Session{}, errEpochMoved
		}
		return "", Session{}, fmt.Errorf("create session: %w", err)
	}
	return token, sess, nil
}

// Authenticate returns the live session of token, sliding its idle expiry
// when the last write is a minute old. Unknown, ended, expired and revoked
// tokens (the user's epoch moved on) are all the same 401 — TTL deletion is
// late, so expiry is checked here. The session and the user's epoch come in
// one strongly consistent read.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	userID, ok := tokenUser(token)
	if !ok {
		return Session{}, errNoSession
	}
	sessKey := key(HashToken(token))
	items, err := s.Store.BatchGet(ctx, []store.Key{sessKey, epochKey(userID)})
	if err != nil {
		return Session{}, fmt.Errorf("read session: %w", err)
	}
	var sess Session
	var epoch epochItem
	found := false
	for _, item := range items {
		pk, _ := item[store.AttrPK].(*types.AttributeValueMemberS)
		switch {
		case pk == nil:
		case pk.Value == sessKey.PK:
			found = true
			err = attributevalue.UnmarshalMap(item, &sess)
		default:
			err = attributevalue.UnmarshalMap(item, &epoch)
		}
		if err != nil {
			return Session{}, fmt.Errorf("unmarshal session: %w", err)
		}
	}
	if !found || sess.UserID != userID || sess.Epoch != epoch.Epoch {
		return Session{}, errNoSession
	}
	now := s.Now()
	if now.Unix() >= sess.ExpiresAt || now.Unix() >= sess.AbsoluteExpiresAt {
		return Session{}, errNoSession
	}
	if now.Sub(sess.LastSeenAt) >= s.Config.SlideEvery {
		sess.LastSeenAt = now.UTC()
		sess.ExpiresAt = minTime(now.Add(s.Config.IdleTimeout), time.Unix(sess.AbsoluteExpiresAt, 0)).Unix()
		upd := expression.Set(expression.Name("lastSeenAt"), expression.Value(sess.LastSeenAt)).
			Set(expression.Name("expiresAt"), expression.Value(sess.ExpiresAt))
		cond := expression.AttributeExists(expression.Name(store.AttrPK))
		if err := s.Store.Update(ctx, sess.Key, upd, &cond, nil); err != nil {
			if errors.Is(err, store.ErrConditionFailed) {
				return Session{}, errNoSession // ended while we looked
			}
			return Session{}, fmt.Errorf("slide session: %w", err)
		}
	}
	return sess, nil
}

// List returns the user's live sessions, newest first.
func (s *Service) List(ctx context.Context, userID string) ([]Session, error) {
	var all []Session
	if err := s.Store.Query(ctx, "GSI1", store.KeyPrefix("GSI1PK", "USER#"+userID, "GSI1SK", "SESSION#"), false, &all); err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	now := s.Now().Unix()
	live := all[:0]
	for _, x := range all {
		if now < x.ExpiresAt && now < x.AbsoluteExpiresAt {
			live = append(live, x)
		}
	}
	return live, nil
}

// End ends the session with the public id of one of the user's own sessions;
// another user's session id is not found.
func (s *Service) End(ctx context.Context, userID, sessionID string) error {
	all, err := s.List(ctx, userID)
	if err != nil {
		return err
	}
	for _, x := range all {
		if x.ID == sessionID {
			return s.Store.Delete(ctx, x.Key, nil)
		}
	}
	return fault.New(fault.NotFound, "session_not_found", "no such session of yours")
}

// EndToken ends the session of token (sign-out).
func (s *Service) EndToken(ctx context.Context, token string) error {
	return s.Store.Delete(ctx, key(HashToken(token)), nil)
}

// EndAll ends every session of the user (suspension, password reset): the
// epoch moves on, so no session made before — or racing this — is accepted
// again; the items themselves are then deleted.
func (s *Service) EndAll(ctx context.Context, userID string) error {
	upd := expression.Add(expression.Name("epoch"), expression.Value(1))
	if err := s.Store.Update(ctx, epochKey(userID), upd, nil, nil); err != nil {
		return fmt.Errorf("raise session epoch: %w", err)
	}
	return s.deleteAll(ctx, userID, "")
}

// EndAllExcept ends every session of the user but keep (a signed-in password
// change keeps the session it was made from): the epoch moves on and keep
// moves with it, in one transaction.
func (s *Service) EndAllExcept(ctx context.Context, userID string, keep Session) error {
	if keep.ID == "" || keep.UserID != userID {
		return s.EndAll(ctx, userID)
	}
	for attempt := 0; ; attempt++ {
		epoch, err := s.Epoch(ctx, userID)
		if err != nil {
			return err
		}
		raise, err := store.TxUpdate(s.Store.Table, epochKey(userID),
			expression.Set(expression.Name("epoch"), expression.Value(epoch+1)), ptr(atEpoch(epoch)))
		if err != nil {
			return err
		}
		exists := expression.AttributeExists(expression.Name(store.AttrPK))
		follow, err := store.TxUpdate(s.Store.Table, keep.Key,
			expression.Set(expression.Name("epoch"), expression.Value(epoch+1)), &exists)
		if err != nil {
			return err
		}
		err = s.Store.Transact(ctx, []types.TransactWriteItem{raise, follow})
		if err == nil {
			break
		}
		var te *store.TxError
		if errors.As(err, &te) && te.FailedAt(1) {
			// The kept session is gone: end everything.
			return s.EndAll(ctx, userID)
		}
		if !errors.Is(err, store.ErrConditionFailed) || attempt == 4 {
			return fmt.Errorf("raise session epoch: %w", err)
		}
	}
	return s.deleteAll(ctx, userID, keep.ID)
}

func ptr[T any](v T) *T { return &v }

// deleteAll deletes the user's session items but keepID's. The index is
// eventually consistent, so an item it misses stays until its TTL; the epoch
// already refuses it.
func (s *Service) deleteAll(ctx context.Context, userID, keepID string) error {
	var all []Session
	if err := s.Store.Query(ctx, "GSI1", store.KeyPrefix("GSI1PK", "USER#"+userID, "GSI1SK", "SESSION#"), true, &all); err != nil {
		return fmt.Errorf("list sessions to end: %w", err)
	}
	for _, x := range all {
		if x.ID == keepID {
			continue
		}
		if err := s.Store.Delete(ctx, x.Key, nil); err != nil {
			return fmt.Errorf("end session: %w", err)
		}
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
