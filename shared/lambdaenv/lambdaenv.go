// Package lambdaenv builds what a function that needs only a few parts of
// the portal starts from: its settings, read once from the environment (every
// problem named at once), the JSON logger, the AWS SDK's configuration (the
// standard AWS_ENDPOINT_URL_<SERVICE> variables point it at the local stack),
// the table and the mail sender. A function asks only for what it uses, so
// it reads only those settings and links only those clients.
package lambdaenv

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/partner-portal/portal/shared/config"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/store"
)

// Base is the environment, the logger and the AWS configuration of one
// function's process.
type Base struct {
	Env *config.Env
	Log *slog.Logger
	AWS aws.Config
}

// Load reads LOG_LEVEL and the AWS configuration.
func Load(ctx context.Context) (*Base, error) {
	env := config.New(os.LookupEnv)
	var level slog.Level
	_ = level.UnmarshalText([]byte(env.OneOf("LOG_LEVEL", "info", "debug", "info", "warn", "error")))
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load aws config: %w", err)
	}
	return &Base{Env: env, Log: slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level})), AWS: awsCfg}, nil
}

// Store is the table named by TABLE_NAME.
func (b *Base) Store() *store.Store {
	return store.New(dynamodb.NewFromConfig(b.AWS), b.Env.Required("TABLE_NAME"))
}

// Sender sends from MAIL_FROM with SES_CONFIGURATION_SET, asking suppressed
// before every send.
func (b *Base) Sender(suppressed mail.Suppression) (*mail.Sender, error) {
	from, set := b.Env.Email("MAIL_FROM"), b.Env.String("SES_CONFIGURATION_SET", "")
	if err := b.Env.Err(); err != nil {
		return nil, err
	}
	return mail.NewSender(b.SES(), from, set, suppressed)
}

// SES is the SES client.
func (b *Base) SES() *ses.Client { return ses.NewFromConfig(b.AWS) }

// Err names every setting that was missing or malformed.
func (b *Base) Err() error { return b.Env.Err() }
