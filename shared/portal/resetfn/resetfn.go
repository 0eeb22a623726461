// Package resetfn builds the password-reset function: the emailed link, the
// security questions, the reset itself, and the signed-in password and
// security-answer changes (the pages are the web function's). It links the
// password policy but not S3, evidence or the PDF library.
package resetfn

import (
	"context"
	"net/http"

	"github.com/partner-portal/portal/shared/config"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal/apifn"
	"github.com/partner-portal/portal/shared/reset"
	"github.com/partner-portal/portal/shared/strength"
)

// Settings are what the password-reset function reads from its environment,
// besides TABLE_NAME, MAIL_FROM and SES_CONFIGURATION_SET.
type Settings struct {
	apifn.Settings
	Users  identity.Settings
	Resets reset.Config
}

// SettingsFrom reads the Settings.
func SettingsFrom(env *config.Env) (Settings, error) {
	return Settings{Settings: apifn.SettingsFrom(env), Users: identity.SettingsFrom(env, &strength.Estimator{}), Resets: reset.ConfigFrom(env)}, nil
}

// Function is the password-reset function's services.
type Function struct {
	apifn.Parts
	Users  *identity.Service
	Resets *reset.Service
}

// Build makes the services on p.
func Build(p apifn.Parts, s Settings) (*Function, error) {
	users, err := p.NewUsers(s.Users, nil) // no staff actions here
	if err != nil {
		return nil, err
	}
	resets := &reset.Service{Store: p.Store, Users: users, Mail: p.Mail, Audit: p.Audit, Config: s.Resets,
		PortalURL: p.PortalURL, Now: p.Now, Log: p.Log}
	return &Function{Parts: p, Users: users, Resets: resets}, nil
}

// Routes are the function's routes.
func (f *Function) Routes() *httpapi.Router {
	rt := httpapi.NewRouter()
	(&reset.Handler{Resets: f.Resets, Users: f.Users, Sessions: f.Sessions, Limiter: f.Throttle}).Register(rt)
	return rt
}

// New builds the Lambda function's handler from the environment.
func New(ctx context.Context) (http.Handler, error) {
	return apifn.NewHandler(ctx, SettingsFrom, apifn.OnParts(Build))
}
