// Package authfn builds the auth function: sign-up, sign-in, sessions, the
// staff actions on users, the staff themselves (invitations, roles), and
// health. It links the password policy (new
// passwords are checked at sign-up) but not S3, evidence or the PDF library.
package authfn

import (
	"context"
	"net/http"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/config"
	"github.com/partner-portal/portal/shared/health"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal/apifn"
	"github.com/partner-portal/portal/shared/staff"
	"github.com/partner-portal/portal/shared/strength"
)

// Settings are what the auth function reads from its environment, besides
// TABLE_NAME, MAIL_FROM and SES_CONFIGURATION_SET.
type Settings struct {
	apifn.Settings
	Users identity.Settings
}

// SettingsFrom reads the Settings.
func SettingsFrom(env *config.Env) (Settings, error) {
	return Settings{Settings: apifn.SettingsFrom(env), Users: identity.SettingsFrom(env, &strength.Estimator{})}, nil
}

// Function is the auth function's services.
type Function struct {
	apifn.Parts
	Users *identity.Service
	Staff *staff.Service
}

// Build makes the services on p.
func Build(p apifn.Parts, s Settings) (*Function, error) {
	users, err := p.NewUsers(s.Users, accounts.Scope{Store: p.Store})
	if err != nil {
		return nil, err
	}
	return &Function{Parts: p, Users: users, Staff: &staff.Service{Store: p.Store, Users: users, Sessions: p.Sessions, Mail: p.Mail,
		Audit: p.Audit, PortalURL: p.PortalURL, Now: p.Now, Log: p.Log}}, nil
}

// Routes are the function's routes.
func (f *Function) Routes() *httpapi.Router {
	rt := httpapi.NewRouter()
	health.Register(rt, f.Store)
	(&identity.Handler{Users: f.Users, Sessions: f.Sessions, Audit: f.Audit, Limiter: f.Throttle}).Register(rt)
	(&staff.Handler{Staff: f.Staff, Sessions: f.Sessions, AdminOnly: accounts.AdminOnly(f.Sessions), Limiter: f.Throttle}).Register(rt)
	return rt
}

// New builds the Lambda function's handler from the environment.
func New(ctx context.Context) (http.Handler, error) {
	return apifn.NewHandler(ctx, SettingsFrom, apifn.OnParts(Build))
}
