// Package portal wires the portal together: it reads the configuration, builds
// the AWS clients once, and says which routes each Lambda function serves. The
// Lambda mains and the local all-in-one server both build their handlers here,
// so they serve the very same routes.
package portal

import (
	"fmt"
	"log/slog"

	"github.com/partner-portal/portal/shared/config"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/password"
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

// LoadConfig reads and validates the configuration once; the error names
// every variable that is missing or malformed.
func LoadConfig(env *config.Env) (Config, error) {
	c := Config{
		TableName:   env.Required("TABLE_NAME"),
		BucketName:  env.Required("BUCKET_NAME"),
		PortalURL:   env.URL("PORTAL_URL"),
		MailFrom:    env.Email("MAIL_FROM"),
		ConfigSet:   env.String("SES_CONFIGURATION_SET", ""),
		PoolMail:    env.String("REVIEW_POOL_EMAIL", "scss-pool@portal.example"),
		S3PathStyle: env.Bool("S3_FORCE_PATH_STYLE", false),
		Argon2: password.Params{
			MemoryKiB:   uint32(env.Int("ARGON2_MEMORY_KIB", int(password.DefaultParams.MemoryKiB), 8192, 1<<20)),
			Iterations:  uint32(env.Int("ARGON2_ITERATIONS", int(password.DefaultParams.Iterations), 1, 10)),
			Parallelism: uint8(env.Int("ARGON2_PARALLELISM", int(password.DefaultParams.Parallelism), 1, 8)),
		},
		Policy: password.Policy{
			MinLength:   env.Int("PASSWORD_MIN_LENGTH", password.DefaultPolicy.MinLength, 8, 64),
			MaxLength:   password.DefaultPolicy.MaxLength,
			Composition: env.Bool("PASSWORD_COMPOSITION_RULES", password.DefaultPolicy.Composition),
			History:     env.Int("PASSWORD_HISTORY", password.DefaultPolicy.History, 0, 24),
			Guesser:     &strength.Estimator{},
		},
		Lockout: identity.Lockout{
			Threshold: env.Int("LOCKOUT_THRESHOLD", identity.DefaultLockout.Threshold, 1, 100),
			Duration:  env.Duration("LOCKOUT_DURATION", identity.DefaultLockout.Duration),
		},
		Sessions: session.Config{
			IdleTimeout: env.Duration("SESSION_IDLE_TIMEOUT", session.DefaultConfig.IdleTimeout),
			Lifetime:    env.Duration("SESSION_LIFETIME", session.DefaultConfig.Lifetime),
			SlideEvery:  session.DefaultConfig.SlideEvery,
		},
		Verification: identity.Verification{
			TTL:         env.Duration("VERIFY_LINK_TTL", identity.DefaultVerification.TTL),
			PerHour:     env.Int("VERIFY_REQUESTS_PER_HOUR", identity.DefaultVerification.PerHour, 1, 100),
			MinDuration: env.Duration("SIGNUP_MIN_DURATION", identity.DefaultVerification.MinDuration),
		},
		Evidence: profile.EvidenceConfig{
			Types:       env.List("EVIDENCE_TYPES", profile.DefaultEvidence.Types),
			MaxBytes:    int64(env.Int("EVIDENCE_MAX_BYTES", int(profile.DefaultEvidence.MaxBytes), 1, 5<<30)),
			MaxFiles:    env.Int("EVIDENCE_MAX_FILES", profile.DefaultEvidence.MaxFiles, 1, 1000),
			UploadTTL:   env.Duration("EVIDENCE_UPLOAD_TTL", profile.DefaultEvidence.UploadTTL),
			DownloadTTL: env.Duration("EVIDENCE_DOWNLOAD_TTL", profile.DefaultEvidence.DownloadTTL),
			PendingTTL:  profile.DefaultEvidence.PendingTTL,
		},
		Throttle: throttle.Config{
			PerMinute: env.Int("RATE_LIMIT_PER_MINUTE", throttle.DefaultConfig.PerMinute, 1, 1_000_000),
		},
		Resets: reset.Config{
			TTL:         env.Duration("RESET_LINK_TTL", reset.DefaultConfig.TTL),
			PerHour:     env.Int("RESET_REQUESTS_PER_HOUR", reset.DefaultConfig.PerHour, 1, 100),
			MinDuration: env.Duration("RESET_REQUEST_MIN_DURATION", reset.DefaultConfig.MinDuration),
		},
	}
	c.Evidence.Bucket = c.BucketName
	if err := profile.CheckEvidenceTypes(c.Evidence.Types); err != nil {
		return c, fmt.Errorf("EVIDENCE_TYPES: %w", err)
	}
	r, err := reminder.ConfigFrom(env)
	if err != nil {
		return c, err
	}
	c.Reminder = r
	_ = c.LogLevel.UnmarshalText([]byte(env.OneOf("LOG_LEVEL", "info", "debug", "info", "warn", "error")))
	return c, env.Err()
}
