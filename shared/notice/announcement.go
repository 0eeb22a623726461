package notice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/store"
)

// Announcement is a notice shown within its window to its audience: every
// user when it names no programme and no role; otherwise the members of the
// accounts in one of its programmes (any, when it names none) who hold one
// of its roles there (any, when it names none). Staff see every
// announcement.
type Announcement struct {
	store.Key `json:"-"`
	ID        string    `dynamodbav:"id" json:"id"`
	Title     string    `dynamodbav:"title" json:"title"`
	Body      string    `dynamodbav:"body" json:"body"`
	Severity  string    `dynamodbav:"severity" json:"severity"`
	StartsAt  time.Time `dynamodbav:"startsAt" json:"startsAt"`
	EndsAt    time.Time `dynamodbav:"endsAt" json:"endsAt"`
	Programs  []string  `dynamodbav:"programs,omitempty" json:"programs"`
	Roles     []string  `dynamodbav:"roles,omitempty" json:"roles"`
	// Version counts edits: an edit names the version it read. Items made
	// before edits existed have none (0).
	Version     int        `dynamodbav:"version,omitempty" json:"version"`
	Status      string     `dynamodbav:"status,omitempty" json:"-"` // "" (live) or withdrawn
	CreatedBy   string     `dynamodbav:"createdBy,omitempty" json:"-"`
	UpdatedAt   *time.Time `dynamodbav:"updatedAt,omitempty" json:"updatedAt,omitempty"`
	WithdrawnAt *time.Time `dynamodbav:"withdrawnAt,omitempty" json:"-"`
	WithdrawnBy string     `dynamodbav:"withdrawnBy,omitempty" json:"-"`
	ExpiresAt   int64      `dynamodbav:"expiresAt" json:"-"`
}

// Severities of an announcement.
var Severities = []string{"info", "warning", "critical"}

// withdrawn is the status of an announcement taken down before its end.
const withdrawn = "withdrawn"

// Viewer is who reads the announcements: nobody signed in (the zero
// Viewer), a member with their memberships, or staff.
type Viewer struct {
	Staff       bool
	Memberships []identity.Membership
}

// Targeted reports whether a names an audience narrower than everyone.
func (a Announcement) Targeted() bool { return len(a.Programs) > 0 || len(a.Roles) > 0 }

// For reports whether v is in a's audience.
func (a Announcement) For(v Viewer) bool {
	if !a.Targeted() || v.Staff {
		return true
	}
	return slices.ContainsFunc(v.Memberships, func(m identity.Membership) bool {
		inProgram := len(a.Programs) == 0 || slices.ContainsFunc(m.Programs, func(p string) bool { return slices.Contains(a.Programs, p) })
		return inProgram && (len(a.Roles) == 0 || slices.Contains(a.Roles, m.Role))
	})
}

// view is a as clients get it: the audience as lists, never null.
func (a Announcement) view() Announcement {
	if a.Programs == nil {
		a.Programs = []string{}
	}
	if a.Roles == nil {
		a.Roles = []string{}
	}
	return a
}

const announcementPartition = "ANNOUNCEMENT"

// CreateAnnouncement publishes an announcement (version 1).
func (s *Service) CreateAnnouncement(ctx context.Context, by string, a Announcement) (*Announcement, error) {
	a.ID, a.Version, a.CreatedBy = store.NewID(), 1, by
	a.Key = store.Key{PK: announcementPartition, SK: a.StartsAt.UTC().Format(sortKey) + "#" + a.ID}
	a.ExpiresAt = a.EndsAt.Add(24 * time.Hour).Unix()
	if err := s.Store.Put(ctx, a, nil); err != nil {
		return nil, err
	}
	s.record(ctx, by, audit.AnnouncementPublished, map[string]string{"announcementId": a.ID, "title": a.Title,
		"programs": strings.Join(a.Programs, ","), "roles": strings.Join(a.Roles, ",")})
	v := a.view()
	return &v, nil
}

// allAnnouncements reads the partition (a handful of live items; ended ones
// expire), newest start first. The sort key keeps the start the
// announcement was made with, so the order is the attributes'.
func (s *Service) allAnnouncements(ctx context.Context) ([]Announcement, error) {
	var all []Announcement
	if err := s.Store.Query(ctx, "", store.KeyOnly(store.AttrPK, announcementPartition), true, &all); err != nil {
		return nil, fmt.Errorf("read announcements: %w", err)
	}
	slices.SortStableFunc(all, func(a, b Announcement) int { return b.StartsAt.Compare(a.StartsAt) })
	return all, nil
}

// Announcements lists, newest first, the live announcements v sees that are
// in force now, and, when upcoming is set, those still to come.
func (s *Service) Announcements(ctx context.Context, v Viewer, upcoming bool) ([]Announcement, error) {
	all, err := s.allAnnouncements(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := []Announcement{}
	for _, a := range all {
		started := !now.Before(a.StartsAt) || upcoming
		if a.Status != withdrawn && started && now.Before(a.EndsAt) && a.For(v) {
			out = append(out, a.view())
		}
	}
	return out, nil
}

var errAnnouncementNotFound = fault.New(fault.NotFound, "announcement_not_found", "no such announcement")

// announcement finds a live announcement by id.
func (s *Service) announcement(ctx context.Context, id string) (*Announcement, error) {
	all, err := s.allAnnouncements(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		if a.ID == id && a.Status != withdrawn {
			return &a, nil
		}
	}
	return nil, errAnnouncementNotFound
}

// versionIs is the condition that the announcement is live and still at
// version v (an item without a version is at 0).
func versionIs(v int) expression.ConditionBuilder {
	live := expression.Or(expression.AttributeNotExists(expression.Name("status")), expression.Name("status").NotEqual(expression.Value(withdrawn)))
	if v == 0 {
		return live.And(expression.AttributeNotExists(expression.Name("version")))
	}
	return live.And(expression.Name("version").Equal(expression.Value(v)))
}

var errVersionConflict = fault.New(fault.Conflict, "version_conflict", "someone changed this announcement since you read it; reload it and edit again")

// EditAnnouncement applies a validated edit made on version e.Version: 409
// version_conflict when the announcement changed since, 404 when it is
// unknown or withdrawn. The audit event names each changed field with its
// value before and after.
func (s *Service) EditAnnouncement(ctx context.Context, by, id string, e AnnouncementEdit) (*Announcement, error) {
	cur, err := s.announcement(ctx, id)
	if err != nil {
		return nil, err
	}
	if cur.Version != *e.Version {
		return nil, errVersionConflict
	}
	next, err := e.apply(*cur, s.Now())
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	next.Version, next.UpdatedAt, next.ExpiresAt = cur.Version+1, &now, next.EndsAt.Add(24*time.Hour).Unix()
	cond := versionIs(cur.Version)
	if err := s.Store.Put(ctx, next, &cond); errors.Is(err, store.ErrConditionFailed) {
		return nil, errVersionConflict
	} else if err != nil {
		return nil, err
	}
	details := changes(*cur, next)
	details["announcementId"] = id
	s.record(ctx, by, audit.AnnouncementEdited, details)
	v := next.view()
	return &v, nil
}

// WithdrawAnnouncement takes a live announcement down at once; it stays
// stored (hidden) until it expires.
func (s *Service) WithdrawAnnouncement(ctx context.Context, by, id string) error {
	cur, err := s.announcement(ctx, id)
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	upd := expression.Set(expression.Name("status"), expression.Value(withdrawn)).
		Set(expression.Name("withdrawnAt"), expression.Value(now)).Set(expression.Name("withdrawnBy"), expression.Value(by))
	cond := versionIs(cur.Version)
	if err := s.Store.Update(ctx, cur.Key, upd, &cond, nil); errors.Is(err, store.ErrConditionFailed) {
		return errAnnouncementNotFound // withdrawn (or edited) meanwhile: try again
	} else if err != nil {
		return err
	}
	s.record(ctx, by, audit.AnnouncementWithdrawn, map[string]string{"announcementId": id, "title": cur.Title})
	return nil
}

// changes names each field that differs between a and b, with its value
// before and after.
func changes(a, b Announcement) map[string]string {
	out := map[string]string{}
	field := func(name, before, after string) {
		if before != after {
			out[name+".before"], out[name+".after"] = before, after
		}
	}
	field("title", a.Title, b.Title)
	field("body", a.Body, b.Body)
	field("severity", a.Severity, b.Severity)
	field("startsAt", a.StartsAt.Format(time.RFC3339), b.StartsAt.Format(time.RFC3339))
	field("endsAt", a.EndsAt.Format(time.RFC3339), b.EndsAt.Format(time.RFC3339))
	field("programs", strings.Join(a.Programs, ","), strings.Join(b.Programs, ","))
	field("roles", strings.Join(a.Roles, ","), strings.Join(b.Roles, ","))
	return out
}

func (s *Service) record(ctx context.Context, by, action string, details map[string]string) {
	e := audit.Event{UserID: by, ActorID: by, Action: action, At: s.Now(), Details: details}
	if err := s.Audit.Record(ctx, e); err != nil {
		s.Log.ErrorContext(ctx, "audit event not written", "action", action, "err", err.Error())
	}
}
