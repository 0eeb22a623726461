// Package profilesfn builds the profiles function: the criteria, the security
// profile, evidence, submission, review, versions, the review queue and the
// public document library (its files live beside the evidence). It is
// the only function that links S3 and the PDF library; it checks no new
// password, so it does not link the password dictionaries.
package profilesfn

import (
	"context"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/config"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/lambdaenv"
	"github.com/partner-portal/portal/shared/library"
	"github.com/partner-portal/portal/shared/password"
	"github.com/partner-portal/portal/shared/portal/apifn"
	"github.com/partner-portal/portal/shared/profile"
)

// Settings are what the profiles function reads from its environment,
// besides TABLE_NAME, MAIL_FROM and SES_CONFIGURATION_SET.
type Settings struct {
	apifn.Settings
	Evidence profile.EvidenceConfig // BUCKET_NAME, EVIDENCE_*
	PoolMail string                 // REVIEW_POOL_EMAIL: where submissions to the shared pool are announced
	// S3PathStyle is S3_FORCE_PATH_STYLE: path-style S3 addressing (MinIO).
	S3PathStyle bool
}

// SettingsFrom reads the Settings.
func SettingsFrom(env *config.Env) (Settings, error) {
	ev, err := profile.EvidenceFrom(env)
	return Settings{
		Settings:    apifn.SettingsFrom(env),
		Evidence:    ev,
		PoolMail:    env.String("REVIEW_POOL_EMAIL", "scss-pool@portal.example"),
		S3PathStyle: env.Bool("S3_FORCE_PATH_STYLE", false),
	}, err
}

// NewS3 is the evidence bucket's client.
func NewS3(cfg aws.Config, s Settings) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = s.S3PathStyle })
}

// Function is the profiles function's services.
type Function struct {
	apifn.Parts
	Profiles *profile.Service
	Library  *library.Service
}

// Build makes the services on p, with the evidence bucket's client.
func Build(p apifn.Parts, s Settings, client *s3.Client) (*Function, error) {
	// Users are only read here (the specialist to notify, the members a
	// decision concerns): no password is set, so the policy has no guesser
	// and would refuse every new password.
	users, err := p.NewUsers(identity.Settings{Argon2: password.DefaultParams}, accounts.Scope{Store: p.Store})
	if err != nil {
		return nil, err
	}
	acc := &accounts.Service{Store: p.Store, Users: users, Delivery: p.Delivery, Mail: p.Mail, Audit: p.Audit,
		PortalURL: p.PortalURL, Now: p.Now, Log: p.Log}
	presign := s3.NewPresignClient(client)
	return &Function{Parts: p, Profiles: &profile.Service{
		Store: p.Store, Access: acc, Mail: p.Mail, Audit: p.Audit, PortalURL: p.PortalURL,
		PoolMail: s.PoolMail, Now: p.Now, Log: p.Log, Specialist: users.Get,
		Evidence: s.Evidence, S3: client, Presign: presign,
	}, Library: &library.Service{Store: p.Store, S3: client, Presign: presign, Config: LibraryConfig(s.Evidence),
		Audit: p.Audit, Now: p.Now, Log: p.Log}}, nil
}

// LibraryConfig is the library's: the evidence bucket (under library/), the
// evidence size limit and link lifetimes.
func LibraryConfig(ev profile.EvidenceConfig) library.Config {
	return library.Config{Bucket: ev.Bucket, MaxBytes: ev.MaxBytes, UploadTTL: ev.UploadTTL,
		DownloadTTL: ev.DownloadTTL, PendingTTL: ev.PendingTTL}
}

// Routes are the function's routes.
func (f *Function) Routes() *httpapi.Router {
	rt := httpapi.NewRouter()
	(&profile.Handler{Profiles: f.Profiles, Sessions: f.Sessions}).Register(rt)
	(&library.Handler{Library: f.Library, Sessions: f.Sessions}).Register(rt)
	return rt
}

// New builds the Lambda function's handler from the environment.
func New(ctx context.Context) (http.Handler, error) {
	return apifn.NewHandler(ctx, SettingsFrom, func(base *lambdaenv.Base, p apifn.Parts, s Settings) (*Function, error) {
		return Build(p, s, NewS3(base.AWS, s))
	})
}
