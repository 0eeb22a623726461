// Package session keeps sign-in sessions: an opaque random token handed to the
// client, stored only as its SHA-256 hash, with an idle timeout that slides
// and an absolute lifetime that does not.
package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

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
	// request without reading the user again. There is no way to change a
	// staff role or an email, and suspension ends every session.
	Email     string `dynamodbav:"email"`
	Name      string `dynamodbav:"name"`
	StaffRole string `dynamodbav:"staffRole,omitempty"`
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

func key(hash string) store.Key { return store.Key{PK: "SESSION#" + hash, SK: "SESSION"} }

// Create starts a session for the owner and returns its token (shown once).
func (s *Service) Create(ctx context.Context, o Owner, userAgent, ip string) (string, Session, error) {
	userID := o.UserID
	token, err := NewToken()
	if err != nil {
		return "", Session{}, err
	}
	now := s.Now().UTC()
	idb := make([]byte, 12)
	_, _ = rand.Read(idb)
	id := hex.EncodeToString(idb)
	abs := now.Add(s.Config.Lifetime)
	sess := Session{
		Key:               key(HashToken(token)),
		GSI1PK:            "USER#" + userID,
		GSI1SK:            "SESSION#" + now.Format(time.RFC3339) + "#" + id,
		ID:                id,
		UserID:            userID,
		CreatedAt:         now,
		LastSeenAt:        now,
		AbsoluteExpiresAt: abs.Unix(),
		ExpiresAt:         minTime(now.Add(s.Config.IdleTimeout), abs).Unix(),
		UserAgent:         truncate(userAgent, 256),
		IP:                ip,
		Email:             o.Email,
		Name:              o.Name,
		StaffRole:         o.StaffRole,
	}
	if err := s.Store.Put(ctx, sess, nil); err != nil {
		return "", Session{}, fmt.Errorf("create session: %w", err)
	}
	return token, sess, nil
}

// Authenticate returns the live session of token, sliding its idle expiry
// when the last write is a minute old. Unknown, ended and expired tokens are
// all the same 401 — TTL deletion is late, so expiry is checked here.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	if !WellFormed(token) {
		return Session{}, errNoSession
	}
	var sess Session
	found, err := s.Store.Get(ctx, key(HashToken(token)), &sess)
	if err != nil {
		return Session{}, fmt.Errorf("read session: %w", err)
	}
	now := s.Now()
	if !found || now.Unix() >= sess.ExpiresAt || now.Unix() >= sess.AbsoluteExpiresAt {
		return Session{}, errNoSession
	}
	if now.Sub(sess.LastSeenAt) >= s.Config.SlideEvery {
		sess.LastSeenAt = now.UTC()
		sess.ExpiresAt = minTime(now.Add(s.Config.IdleTimeout), time.Unix(sess.AbsoluteExpiresAt, 0)).Unix()
		upd := expression.Set(expression.Name("lastSeenAt"), expression.Value(sess.LastSeenAt)).
			Set(expression.Name("expiresAt"), expression.Value(sess.ExpiresAt))
		cond := expression.AttributeExists(expression.Name("PK"))
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

// EndAll ends every session of the user (suspension, password reset).
func (s *Service) EndAll(ctx context.Context, userID string) error {
	return s.EndAllExcept(ctx, userID, "")
}

// EndAllExcept ends every session of the user but the one with keepID (a
// signed-in password change keeps the session it was made from).
func (s *Service) EndAllExcept(ctx context.Context, userID, keepID string) error {
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
