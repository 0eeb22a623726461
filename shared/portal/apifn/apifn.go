// Package apifn holds what the four HTTP API functions (auth, password-reset,
// accounts, profiles) are each built on: the table, the mail sender, the
// audit log, sessions, the data-freeze check and the per-address limiter,
// from the settings every one of them reads. Each function's own package
// (authfn, resetfn, accountsfn, profilesfn) adds its services and routes, so
// it links and starts only what it serves.
package apifn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/config"
	"github.com/partner-portal/portal/shared/delivery"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/lambdaenv"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/notice"
	"github.com/partner-portal/portal/shared/password"
	"github.com/partner-portal/portal/shared/session"
	"github.com/partner-portal/portal/shared/store"
	"github.com/partner-portal/portal/shared/throttle"
)

// Settings are what every API function reads besides the table and the
// mail settings: PORTAL_URL (the emailed links and the origin that
// cookie-authenticated writes must come from), the session timeouts and the
// per-address rate limit.
type Settings struct {
	PortalURL string
	Sessions  session.Config
	Throttle  throttle.Config
}

// SettingsFrom reads the Settings.
func SettingsFrom(env *config.Env) Settings {
	return Settings{PortalURL: env.URL("PORTAL_URL"), Sessions: session.ConfigFrom(env), Throttle: throttle.ConfigFrom(env)}
}

// API returns s: a function's settings embed Settings, and so say what
// NewHandler builds the Parts from.
func (s Settings) API() Settings { return s }

// Parts are the long-lived things an API function's services are built
// from, made once per process.
type Parts struct {
	Log       *slog.Logger
	Store     *store.Store
	Mail      *mail.Sender
	Delivery  *delivery.List // the suppressed addresses the sender skips
	Audit     *audit.Log
	Sessions  *session.Service
	Notices   *notice.Service
	Throttle  *throttle.Limiter
	PortalURL string
	Now       func() time.Time
}

// NewParts builds the Parts on the table st and the SES client, sending
// from `from` with the configuration set, with now as the clock (tests pass
// one they can move).
func NewParts(log *slog.Logger, st *store.Store, ses mail.SESAPI, from, configSet string, s Settings, now func() time.Time) (Parts, error) {
	suppressed := &delivery.List{Store: st, Now: now}
	sender, err := mail.NewSender(ses, from, configSet, suppressed)
	if err != nil {
		return Parts{}, err
	}
	auditLog := &audit.Log{Store: st}
	return Parts{
		Log: log, Store: st, Mail: sender, Delivery: suppressed, PortalURL: s.PortalURL, Now: now,
		Audit:    auditLog,
		Sessions: &session.Service{Store: st, Config: s.Sessions, Now: now, PortalOrigin: session.OriginOf(s.PortalURL)},
		Notices:  &notice.Service{Store: st, Audit: auditLog, Now: now, Log: log},
		Throttle: &throttle.Limiter{Store: st, Config: s.Throttle, Now: now},
	}, nil
}

// FromBase builds a Lambda function's Parts on TABLE_NAME, MAIL_FROM and
// SES_CONFIGURATION_SET. Read the function's own settings first: the error
// then names every variable that is missing or malformed.
func FromBase(base *lambdaenv.Base, s Settings) (Parts, error) {
	st := base.Store()
	from, set := base.Env.Email("MAIL_FROM"), base.Env.String("SES_CONFIGURATION_SET", "")
	if err := base.Err(); err != nil {
		return Parts{}, fmt.Errorf("configuration: %w", err)
	}
	return NewParts(base.Log, st, base.SES(), from, set, s, time.Now)
}

// NewHandler builds a Lambda function's handler from the environment: read
// reads its own settings (before the Parts, so that one error names every
// variable that is missing or malformed), build makes its services on the
// Parts, and their routes are served.
func NewHandler[S interface{ API() Settings }, F interface{ Routes() *httpapi.Router }](ctx context.Context,
	read func(*config.Env) (S, error), build func(*lambdaenv.Base, Parts, S) (F, error)) (http.Handler, error) {
	base, err := lambdaenv.Load(ctx)
	if err != nil {
		return nil, err
	}
	s, serr := read(base.Env)
	p, err := FromBase(base, s.API())
	if err := errors.Join(serr, err); err != nil {
		return nil, err
	}
	f, err := build(base, p, s)
	if err != nil {
		return nil, err
	}
	return p.Handler(f.Routes()), nil
}

// OnParts adapts a function's Build, which needs only the Parts and its
// settings, to NewHandler.
func OnParts[S, F any](build func(Parts, S) (F, error)) func(*lambdaenv.Base, Parts, S) (F, error) {
	return func(_ *lambdaenv.Base, p Parts, s S) (F, error) { return build(p, s) }
}

// Handler wraps a function's routes in the middleware every function runs:
// request ids, logs and panic recovery outside, the data-freeze check inside.
func (p Parts) Handler(routes *httpapi.Router) http.Handler {
	return httpapi.Middleware(p.Log, p.Notices.Middleware(routes))
}

// NewUsers builds the identity service on p with the settings s; scope narrows
// a specialist's staff actions (nil in a function that serves none).
func (p Parts) NewUsers(s identity.Settings, scope identity.Scope) (*identity.Service, error) {
	hasher, err := password.NewHasher(s.Argon2)
	if err != nil {
		return nil, err
	}
	return &identity.Service{
		Store: p.Store, Hasher: hasher, Policy: s.Policy, Lockout: s.Lockout, Verification: s.Verification,
		Mail: p.Mail, Audit: p.Audit, Sessions: p.Sessions, PortalURL: p.PortalURL, Now: p.Now, Log: p.Log, Scope: scope,
	}, nil
}
