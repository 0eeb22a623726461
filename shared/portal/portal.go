package portal

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/partner-portal/portal/shared/health"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/store"
)

// Deps are the long-lived things every handler is built from. Build them once
// per process (outside the Lambda handler) so warm invocations reuse them.
type Deps struct {
	Config Config
	Log    *slog.Logger
	Store  *store.Store
	S3     *s3.Client
	SES    *ses.Client
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
	return &Deps{
		Config: cfg,
		Log:    log,
		Store:  store.New(dynamodb.NewFromConfig(awsCfg), cfg.TableName),
		S3: s3.NewFromConfig(awsCfg, func(o *s3.Options) {
			o.UsePathStyle = cfg.S3PathStyle
		}),
		SES: ses.NewFromConfig(awsCfg),
	}, nil
}

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
	}
}

// AuthRoutes are the routes of the auth function: sign-up, sign-in,
// sessions, staff actions on users, and health.
func AuthRoutes(d *Deps) *httpapi.Router {
	rt := httpapi.NewRouter()
	health.Register(rt, d.Store)
	return rt
}

// Handler wraps routes in the middleware every function runs.
func Handler(d *Deps, routes *httpapi.Router) http.Handler {
	return httpapi.Middleware(d.Log, routes)
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
