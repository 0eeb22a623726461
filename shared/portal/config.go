// Package portal wires the portal together: it reads the configuration, builds
// the AWS clients once, and says which routes each Lambda function serves. The
// Lambda mains and the local all-in-one server both build their handlers here,
// so they serve the very same routes.
package portal

import (
	"log/slog"

	"github.com/partner-portal/portal/shared/config"
)

// Config is every setting the functions read from the environment.
type Config struct {
	TableName   string // TABLE_NAME: the one DynamoDB table
	BucketName  string // BUCKET_NAME: evidence files
	PortalURL   string // PORTAL_URL: base of every emailed link
	MailFrom    string // MAIL_FROM: sender of every email
	S3PathStyle bool   // S3_FORCE_PATH_STYLE: path-style S3 addressing (MinIO)
	LogLevel    slog.Level
}

// LoadConfig reads and validates the configuration once; the error names
// every variable that is missing or malformed.
func LoadConfig(env *config.Env) (Config, error) {
	c := Config{
		TableName:   env.Required("TABLE_NAME"),
		BucketName:  env.Required("BUCKET_NAME"),
		PortalURL:   env.URL("PORTAL_URL"),
		MailFrom:    env.Email("MAIL_FROM"),
		S3PathStyle: env.Bool("S3_FORCE_PATH_STYLE", false),
	}
	_ = c.LogLevel.UnmarshalText([]byte(env.OneOf("LOG_LEVEL", "info", "debug", "info", "warn", "error")))
	return c, env.Err()
}
