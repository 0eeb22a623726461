// Package portal wires the portal together: it reads the configuration, builds
// the AWS clients once, and says which routes each Lambda function serves. The
// Lambda mains and the local all-in-one server both build their handlers here,
// so they serve the very same routes.
package portal

import (
	"errors"
	"log/slog"

	"github.com/partner-portal/portal/shared/config"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/password"
	"github.com/partner-portal/portal/shared/portal/apifn"
	"github.com/partner-portal/portal/shared/portal/profilesfn"
	"github.com/partner-portal/portal/shared/profile"
	"github.com/partner-portal/portal/shared/reminder"
	"github.com/partner-portal/portal/shared/reset"
	"github.com/partner-portal/portal/shared/session"
	"github.com/partner-portal/portal/shared/strength"
	"github.com/partner-portal/portal/shared/throttle"
)

// Config is every setting the functions read from the environment.
type Config struct {
	TableName   string // TABLE_NAME: the one DynamoDB table
	BucketName  string // BUCKET_NAME: evidence files
	PortalURL   string // PORTAL_URL: base of every emailed link
	MailFrom    string // MAIL_FROM: sender of every email
	ConfigSet   string // SES_CONFIGURATION_SET: SES configuration set (bounces), optional
	PoolMail    string // REVIEW_POOL_EMAIL: where submissions to the shared pool are announced
	S3PathStyle bool   // S3_FORCE_PATH_STYLE: path-style S3 addressing (MinIO)
	LogLevel    slog.Level

	Argon2   password.Params // ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_PARALLELISM
	Policy   password.Policy // PASSWORD_MIN_LENGTH, PASSWORD_COMPOSITION_RULES, PASSWORD_HISTORY
	Lockout  identity.Lockout
	Sessions session.Config
	Resets   reset.Config
	// VERIFY_LINK_TTL, VERIFY_REQUESTS_PER_HOUR, SIGNUP_MIN_DURATION
	Verification identity.Verification
	Evidence     profile.EvidenceConfig
	Reminder     reminder.Config
	Throttle     throttle.Config // RATE_LIMIT_PER_MINUTE
}

// LoadConfig reads and validates the configuration of every function at
// once, for the local all-in-one server; the error names every variable that
// is missing or malformed. A Lambda function reads only its own (authfn's
// SettingsFrom, …).
func LoadConfig(env *config.Env) (Config, error) {
	api := apifn.SettingsFrom(env)
	users := identity.SettingsFrom(env, &strength.Estimator{})
	prof, perr := profilesfn.SettingsFrom(env)
	rem, rerr := reminder.ConfigFrom(env)
	c := Config{
		TableName:    env.Required("TABLE_NAME"),
		BucketName:   prof.Evidence.Bucket,
		PortalURL:    api.PortalURL,
		MailFrom:     env.Email("MAIL_FROM"),
		ConfigSet:    env.String("SES_CONFIGURATION_SET", ""),
		PoolMail:     prof.PoolMail,
		S3PathStyle:  prof.S3PathStyle,
		Argon2:       users.Argon2,
		Policy:       users.Policy,
		Lockout:      users.Lockout,
		Sessions:     api.Sessions,
		Resets:       reset.ConfigFrom(env),
		Verification: users.Verification,
		Evidence:     prof.Evidence,
		Reminder:     rem,
		Throttle:     api.Throttle,
	}
	_ = c.LogLevel.UnmarshalText([]byte(env.OneOf("LOG_LEVEL", "info", "debug", "info", "warn", "error")))
	return c, errors.Join(perr, rerr, env.Err())
}

// api, users and profiles are the parts of c each function's settings take.
func (c Config) api() apifn.Settings {
	return apifn.Settings{PortalURL: c.PortalURL, Sessions: c.Sessions, Throttle: c.Throttle}
}

func (c Config) users() identity.Settings {
	return identity.Settings{Argon2: c.Argon2, Policy: c.Policy, Lockout: c.Lockout, Verification: c.Verification}
}

func (c Config) profiles() profilesfn.Settings {
	ev := c.Evidence
	ev.Bucket = c.BucketName
	return profilesfn.Settings{Settings: c.api(), Evidence: ev, PoolMail: c.PoolMail, S3PathStyle: c.S3PathStyle}
}
