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
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/config"
	"github.com/partner-portal/portal/shared/delivery"
	"github.com/partner-portal/portal/shared/health"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/notice"
	"github.com/partner-portal/portal/shared/password"
	"github.com/partner-portal/portal/shared/profile"
	"github.com/partner-portal/portal/shared/reminder"
	"github.com/partner-portal/portal/shared/reset"
	"github.com/partner-portal/portal/shared/session"
	"github.com/partner-portal/portal/shared/store"
	"github.com/partner-portal/portal/shared/throttle"
	"github.com/partner-portal/portal/shared/webpage"
)

// Deps are the long-lived things every handler is built from. Build them once
// per process (outside the Lambda handler) so warm invocations reuse them.
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
	Resets   *reset.Service
	Accounts *accounts.Service
	Profiles *profile.Service
	Delivery *delivery.List
	// MailEvents applies SES bounces and complaints (the mail-events function).
	MailEvents *delivery.Events
	Reminder   *reminder.Job
	Notices    *notice.Service
	Throttle   *throttle.Limiter
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
		S3: s3.NewFromConfig(awsCfg, func(o *s3.Options) {
			o.UsePathStyle = cfg.S3PathStyle
		}),
		SES: ses.NewFromConfig(awsCfg),
	}
	return d, d.build(time.Now)
}

// build makes the domain services from the clients, with now as the clock
// (tests pass one they can move).
func (d *Deps) build(now func() time.Time) error {
	d.Delivery = &delivery.List{Store: d.Store, Now: now}
	sender, err := mail.NewSender(d.SES, d.Config.MailFrom, d.Config.ConfigSet, d.Delivery)
	if err != nil {
		return err
	}
	hasher, err := password.NewHasher(d.Config.Argon2)
	if err != nil {
		return err
	}
	d.Mail = sender
	d.Notices = &notice.Service{Store: d.Store, Now: now, Log: d.Log}
	d.Audit = &audit.Log{Store: d.Store}
	d.Throttle = &throttle.Limiter{Store: d.Store, Config: d.Config.Throttle, Now: now}
	d.Sessions = &session.Service{Store: d.Store, Config: d.Config.Sessions, Now: now,
		PortalOrigin: session.OriginOf(d.Config.PortalURL)}
	d.Users = &identity.Service{
		Store: d.Store, Hasher: hasher, Policy: d.Config.Policy, Lockout: d.Config.Lockout,
		Mail: sender, Audit: d.Audit, Sessions: d.Sessions, PortalURL: d.Config.PortalURL, Now: now, Log: d.Log,
		Verification: d.Config.Verification, Scope: accounts.Scope{Store: d.Store},
	}
	d.Accounts = &accounts.Service{
		Store: d.Store, Users: d.Users, Delivery: d.Delivery, Mail: sender, Audit: d.Audit, PortalURL: d.Config.PortalURL, Now: now, Log: d.Log,
	}
	d.MailEvents = &delivery.Events{List: d.Delivery}
	d.Reminder = &reminder.Job{Store: d.Store, Mail: sender, Suppressed: d.Delivery, Config: d.Config.Reminder,
		PortalURL: d.Config.PortalURL, Log: d.Log, Sleep: time.Sleep}
	d.Profiles = &profile.Service{
		Store: d.Store, Access: d.Accounts, Mail: sender, Audit: d.Audit, PortalURL: d.Config.PortalURL,
		PoolMail: d.Config.PoolMail, Now: now, Log: d.Log, Specialist: d.Users.Get,
		Evidence: d.Config.Evidence, S3: d.S3, Presign: s3.NewPresignClient(d.S3),
	}
	d.Resets = &reset.Service{
		Store: d.Store, Users: d.Users, Mail: sender, Audit: d.Audit, Config: d.Config.Resets,
		PortalURL: d.Config.PortalURL, Now: now, Log: d.Log,
	}
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
		{Name: "auth", LogicalID: "AuthFunction", Routes: AuthRoutes},
		{Name: "password-reset", LogicalID: "PasswordResetFunction", Routes: PasswordResetRoutes},
		{Name: "accounts", LogicalID: "AccountsFunction", Routes: AccountsRoutes},
		{Name: "profiles", LogicalID: "ProfilesFunction", Routes: ProfilesRoutes},
		{Name: "web", LogicalID: "WebFunction", Routes: WebRoutes},
	}
}

// AuthRoutes are the routes of the auth function: sign-up, sign-in,
// sessions, staff actions on users, and health.
func AuthRoutes(d *Deps) *httpapi.Router {
	rt := httpapi.NewRouter()
	health.Register(rt, d.Store)
	(&identity.Handler{Users: d.Users, Sessions: d.Sessions, Audit: d.Audit, Limiter: d.Throttle}).Register(rt)
	return rt
}

// PasswordResetRoutes are the routes of the password-reset function: the
// emailed link, the security questions, the reset page and its assets, and
// the signed-in password and security-answer changes.
func PasswordResetRoutes(d *Deps) *httpapi.Router {
	rt := httpapi.NewRouter()
	(&reset.Handler{Resets: d.Resets, Users: d.Users, Sessions: d.Sessions, Limiter: d.Throttle}).Register(rt)
	return rt
}

// AccountsRoutes are the routes of the accounts function: organisations,
// trade accounts, links, invitations, account users and the account audit.
func AccountsRoutes(d *Deps) *httpapi.Router {
	rt := httpapi.NewRouter()
	(&accounts.Handler{Accounts: d.Accounts, Sessions: d.Sessions, Audit: d.Audit, Limiter: d.Throttle}).Register(rt)
	(&reminder.Handler{Job: d.Reminder, Sessions: d.Sessions}).Register(rt)
	(&notice.Handler{Notices: d.Notices, Sessions: d.Sessions}).Register(rt)
	return rt
}

// ProfilesRoutes are the routes of the profiles function: the criteria, the
// security profile, submission, review, versions and the review queue.
func ProfilesRoutes(d *Deps) *httpapi.Router {
	rt := httpapi.NewRouter()
	(&profile.Handler{Profiles: d.Profiles, Sessions: d.Sessions}).Register(rt)
	return rt
}

// WebRoutes are the routes of the web function: the sign-in, sign-up,
// email-confirmation and invitation pages and the pages' own assets.
func WebRoutes(*Deps) *httpapi.Router { return webpage.Routes() }

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

// FromEnv is what every Lambda main starts with: the configuration from the
// environment, the JSON logger and the clients, built once per process.
func FromEnv(ctx context.Context) (*Deps, error) {
	cfg, err := LoadConfig(config.New(os.LookupEnv))
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	return NewDeps(ctx, cfg, NewLogger(cfg.LogLevel))
}
