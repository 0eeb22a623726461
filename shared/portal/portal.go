package portal

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/application"
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/config"
	"github.com/partner-portal/portal/shared/delivery"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/library"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/notice"
	"github.com/partner-portal/portal/shared/portal/accountsfn"
	"github.com/partner-portal/portal/shared/portal/apifn"
	"github.com/partner-portal/portal/shared/portal/authfn"
	"github.com/partner-portal/portal/shared/portal/profilesfn"
	"github.com/partner-portal/portal/shared/portal/resetfn"
	"github.com/partner-portal/portal/shared/profile"
	"github.com/partner-portal/portal/shared/reminder"
	"github.com/partner-portal/portal/shared/reset"
	"github.com/partner-portal/portal/shared/session"
	"github.com/partner-portal/portal/shared/staff"
	"github.com/partner-portal/portal/shared/store"
	"github.com/partner-portal/portal/shared/throttle"
	"github.com/partner-portal/portal/shared/webpage"
)

// Deps are every function's services on one set of clients: what the local
// all-in-one server serves and what the integration tests drive and inspect.
// A Lambda function builds only its own (authfn, resetfn, accountsfn,
// profilesfn; web, mail-events and reminders in their mains).
type Deps struct {
	Config   Config
	Log      *slog.Logger
	Store    *store.Store
	S3       *s3.Client
	SES      *ses.Client
	Mail     *mail.Sender
	Audit    *audit.Log
	Sessions *session.Service
	Users    *identity.Service
	Staff    *staff.Service
	Resets   *reset.Service
	Accounts *accounts.Service
	Profiles *profile.Service
	Library  *library.Service
	Delivery *delivery.List
	// MailEvents applies SES bounces and complaints (the mail-events function).
	MailEvents *delivery.Events
	Reminder   *reminder.Job
	Notices    *notice.Service
	Throttle   *throttle.Limiter
	// Applications are the programme applications (the accounts function).
	Applications *application.Service

	auth     *authfn.Function
	reset    *resetfn.Function
	accounts *accountsfn.Function
	profiles *profilesfn.Function
	web      *httpapi.Router
}

// NewLogger returns the JSON logger every function logs through.
func NewLogger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level}))
}

// NewDeps builds the AWS clients from the standard SDK configuration: the
// region and credentials of the environment, and the AWS_ENDPOINT_URL_<SERVICE>
// variables that point them at the local stack.
func NewDeps(ctx context.Context, cfg Config, log *slog.Logger) (*Deps, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load aws config: %w", err)
	}
	d := &Deps{
		Config: cfg,
		Log:    log,
		Store:  store.New(dynamodb.NewFromConfig(awsCfg), cfg.TableName),
		S3:     profilesfn.NewS3(awsCfg, cfg.profiles()),
		SES:    ses.NewFromConfig(awsCfg),
	}
	return d, d.build(time.Now)
}

// build makes every function's services from the clients, with now as the
// clock (tests pass one they can move), as the Lambda functions make theirs:
// each function its own, sharing only the table and the clients.
func (d *Deps) build(now func() time.Time) error {
	p, err := apifn.NewParts(d.Log, d.Store, d.SES, d.Config.MailFrom, d.Config.ConfigSet, d.Config.api(), now)
	if err != nil {
		return err
	}
	if d.auth, err = authfn.Build(p, authfn.Settings{Settings: d.Config.api(), Users: d.Config.users()}); err != nil {
		return err
	}
	if d.reset, err = resetfn.Build(p, resetfn.Settings{Settings: d.Config.api(), Users: d.Config.users(), Resets: d.Config.Resets}); err != nil {
		return err
	}
	if d.accounts, err = accountsfn.Build(p, accountsfn.Settings{Settings: d.Config.api(), Users: d.Config.users(), Reminder: d.Config.Reminder}); err != nil {
		return err
	}
	if d.profiles, err = profilesfn.Build(p, d.Config.profiles(), d.S3); err != nil {
		return err
	}
	if d.web, err = webpage.Routes(); err != nil {
		return err
	}
	d.Mail, d.Audit, d.Sessions, d.Notices, d.Throttle, d.Delivery = p.Mail, p.Audit, p.Sessions, p.Notices, p.Throttle, p.Delivery
	d.Staff = d.auth.Staff
	d.Users, d.Resets, d.Accounts, d.Reminder, d.Profiles = d.auth.Users, d.reset.Resets, d.accounts.Accounts, d.accounts.Reminder, d.profiles.Profiles
	d.Library = d.profiles.Library
	d.MailEvents = &delivery.Events{List: d.Delivery}
	d.Applications = d.accounts.Applications
	return nil
}

// WithClock rebuilds the services on a different clock, for tests of
// expiry and lockout.
func (d *Deps) WithClock(now func() time.Time) error { return d.build(now) }

// Function is one Lambda function of template.yaml and the routes it serves.
type Function struct {
	Name      string // the folder under functions/
	LogicalID string // its resource in template.yaml
	Routes    func(d *Deps) *httpapi.Router
}

// Functions lists every HTTP function of the portal.
func Functions() []Function {
	return []Function{
		{Name: "auth", LogicalID: "AuthFunction", Routes: func(d *Deps) *httpapi.Router { return d.auth.Routes() }},
		{Name: "password-reset", LogicalID: "PasswordResetFunction", Routes: func(d *Deps) *httpapi.Router { return d.reset.Routes() }},
		{Name: "accounts", LogicalID: "AccountsFunction", Routes: func(d *Deps) *httpapi.Router { return d.accounts.Routes() }},
		{Name: "profiles", LogicalID: "ProfilesFunction", Routes: func(d *Deps) *httpapi.Router { return d.profiles.Routes() }},
		{Name: "web", LogicalID: "WebFunction", Routes: func(d *Deps) *httpapi.Router { return d.web }},
	}
}

// Handler wraps routes in the middleware every function runs: request ids,
// logs and panic recovery outside, the data-freeze check inside.
func Handler(d *Deps, routes *httpapi.Router) http.Handler {
	return httpapi.Middleware(d.Log, d.Notices.Middleware(routes))
}

// AllRoutes mounts every function's routes on one router, for the local
// all-in-one server.
func AllRoutes(d *Deps) *httpapi.Router {
	rt := httpapi.NewRouter()
	for _, f := range Functions() {
		rt.Mount(f.Routes(d))
	}
	return rt
}

// RoutesOf is the routes of the function named name (its folder under
// functions/), or nil.
func RoutesOf(d *Deps, name string) *httpapi.Router {
	for _, f := range Functions() {
		if f.Name == name {
			return f.Routes(d)
		}
	}
	return nil
}

// FromEnv builds every function's services from the environment, for the
// one-off commands in infra/ that need several of them.
func FromEnv(ctx context.Context) (*Deps, error) {
	cfg, err := LoadConfig(config.New(os.LookupEnv))
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	return NewDeps(ctx, cfg, NewLogger(cfg.LogLevel))
}
