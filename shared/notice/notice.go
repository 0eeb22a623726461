// Package notice is what the authority tells every user: announcements
// shown in the portal, and data-freeze windows during which every write is
// refused with 503 and a clear message while reads go on.
package notice

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/store"
)

// Freeze is a window during which the portal accepts no changes.
type Freeze struct {
	store.Key `json:"-"`
	ID        string    `dynamodbav:"id" json:"id"`
	StartsAt  time.Time `dynamodbav:"startsAt" json:"startsAt"`
	EndsAt    time.Time `dynamodbav:"endsAt" json:"endsAt"`
	Message   string    `dynamodbav:"message" json:"message"`
	CreatedBy string    `dynamodbav:"createdBy" json:"-"`
	Version   int       `dynamodbav:"version,omitempty" json:"version"` // reschedules name it; 0 on freezes made before them
	ExpiresAt int64     `dynamodbav:"expiresAt" json:"-"`
}

// CacheFor is how long a process trusts its copy of the freezes: a freeze
// made elsewhere takes effect here within this time.
const CacheFor = 30 * time.Second

// Recorder writes audit events (audit.Log).
type Recorder interface {
	Record(ctx context.Context, e audit.Event) error
}

// Service keeps freezes and announcements.
type Service struct {
	Store *store.Store
	Audit Recorder
	Now   func() time.Time
	Log   *slog.Logger
	// CacheFor overrides the package's CacheFor (tests shorten it).
	CacheFor time.Duration

	mu       sync.Mutex
	cached   []Freeze
	cachedAt time.Time
}

const sortKey = "2006-01-02T15:04:05Z"

// Freezes lists the current and coming freezes, soonest first.
func (s *Service) Freezes(ctx context.Context) ([]Freeze, error) {
	all, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := []Freeze{}
	for _, f := range all {
		if f.EndsAt.After(now) {
			out = append(out, f)
		}
	}
	// The sort key keeps the start a freeze was made with; a reschedule
	// moves only the attribute.
	slices.SortStableFunc(out, func(a, b Freeze) int { return a.StartsAt.Compare(b.StartsAt) })
	return out, nil
}

func (s *Service) read(ctx context.Context) ([]Freeze, error) {
	var all []Freeze
	if err := s.Store.Query(ctx, "", store.KeyOnly(store.AttrPK, freezePartition), true, &all); err != nil {
		return nil, fmt.Errorf("read freezes: %w", err)
	}
	return all, nil
}

func (s *Service) forget() {
	s.mu.Lock()
	s.cachedAt = time.Time{}
	s.mu.Unlock()
}

// Active returns the freeze in force now, if any, from a copy at most
// CacheFor old.
func (s *Service) Active(ctx context.Context) (*Freeze, error) {
	s.mu.Lock()
	ttl := CacheFor
	if s.CacheFor > 0 {
		ttl = s.CacheFor
	}
	fresh := !s.cachedAt.IsZero() && time.Since(s.cachedAt) < ttl
	cached := s.cached
	s.mu.Unlock()
	if !fresh {
		all, err := s.read(ctx)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		s.cached, s.cachedAt, cached = all, time.Now(), all
		s.mu.Unlock()
	}
	now := s.Now()
	for _, f := range cached {
		if !now.Before(f.StartsAt) && now.Before(f.EndsAt) {
			return &f, nil
		}
	}
	return nil, nil
}

// exempt are the writes a freeze lets through: signing in and out, password
// resets, following an emailed confirmation link (it may have been sent just
// before the freeze), and the freeze routes themselves (so a freeze can be
// lifted).
var exempt = func() *http.ServeMux {
	m := http.NewServeMux()
	for _, p := range ExemptRoutes() {
		m.Handle(p, http.NotFoundHandler())
	}
	return m
}()

// ExemptRoutes are the route patterns a freeze lets through (a test checks
// that each is a route some function serves).
func ExemptRoutes() []string {
	return []string{
		"POST /v1/sessions", "DELETE /v1/sessions/current",
		"POST /v1/password-resets", "POST /v1/password-resets/{token}",
		"POST /v1/email-verifications/{token}",
		"POST /v1/freezes", "PATCH /v1/freezes/{id}", "DELETE /v1/freezes/{id}",
	}
}

// Middleware refuses every write (POST, PUT, PATCH, DELETE) during a freeze
// with 503 data_freeze, the window and Retry-After; reads and the exempt
// writes go on. Every function mounts it.
func (s *Service) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			next.ServeHTTP(w, r)
			return
		}
		if _, pattern := exempt.Handler(r); pattern != "" {
			next.ServeHTTP(w, r)
			return
		}
		f, err := s.Active(r.Context())
		if err != nil {
			// Fail open: a freeze is a courtesy window, not a security control,
			// and the store being down will fail the write anyway.
			httpapi.Logger(r.Context()).Error("freeze check failed", "err", err.Error())
			next.ServeHTTP(w, r)
			return
		}
		if f == nil {
			next.ServeHTTP(w, r)
			return
		}
		retry := int(time.Until(f.EndsAt).Seconds()) + 1
		w.Header().Set("Retry-After", strconv.Itoa(max(retry, 1)))
		e := fault.New(fault.Unavailable, "data_freeze", f.Message)
		e.Extra = map[string]any{"freeze": map[string]any{"id": f.ID, "startsAt": f.StartsAt, "endsAt": f.EndsAt}}
		httpapi.WriteError(w, r, e)
	})
}
