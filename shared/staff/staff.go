// Package staff is the authority's own users: an admin invites a
// Supply Chain Security Specialist or another admin by email, the invitee
// signs up from the emailed link as staff, and admins list the staff, change
// a member's role or remove them — which ends that person's sessions at
// once. The very first admin of a fresh deployment comes from a bootstrap
// invitation (infra/cmd/bootstrap-admin), which works only while the portal
// has no admin.
//
// It owns the staff invitation items; the user item, its staff role and
// the admins counter are identity's (identity.Staff), and the session epoch
// is the session package's: this package puts their transaction items into
// its own transactions.
package staff

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/session"
	"github.com/partner-portal/portal/shared/store"
)

// InvitationTTL is how long a staff invitation link works.
const InvitationTTL = 7 * 24 * time.Hour

// Sessions ends a user's sessions inside a transaction, and starts the
// session of a new staff member.
type Sessions interface {
	EndAllItem(userID string) (types.TransactWriteItem, error)
	Tidy(ctx context.Context, userID string) error
	Create(ctx context.Context, o session.Owner, userAgent, ip string) (string, session.Session, error)
}

// Service is the staff domain.
type Service struct {
	Store     *store.Store
	Users     *identity.Service
	Sessions  Sessions
	Mail      identity.Mailer
	Audit     identity.Auditor
	PortalURL string
	Now       func() time.Time
	Log       *slog.Logger
}

func (s *Service) staff() identity.Staff { return identity.Staff{Store: s.Store} }

// invitation is a live staff invitation, by the hash of its token.
type invitation struct {
	store.Key
	Email     string             `dynamodbav:"email"`
	Role      identity.StaffRole `dynamodbav:"role"`
	InvitedBy string             `dynamodbav:"invitedBy,omitempty"` // an admin's user id; empty for the bootstrap
	Bootstrap bool               `dynamodbav:"bootstrap,omitempty"`
	CreatedAt time.Time          `dynamodbav:"createdAt"`
	ExpiresAt int64              `dynamodbav:"expiresAt"`
}

// pointer names the live invitation of an address: a newer invitation
// replaces it and deletes the one it named.
type pointer struct {
	store.Key
	TokenHash string `dynamodbav:"tokenHash"`
	ExpiresAt int64  `dynamodbav:"expiresAt"`
}

func invitationKey(hash string) store.Key {
	return store.Key{PK: "STAFFINVITE#" + hash, SK: "STAFFINVITE"}
}
func pointerKey(email string) store.Key { return store.Key{PK: "STAFFINVITE#" + email, SK: "LIVE"} }

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
