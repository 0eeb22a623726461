// Package accountsfn builds the accounts function: organisations, trade
// accounts, links, invitations, account users, the account audit, the
// reminder run and the notices, and the programme applications. It links
// the password policy (invitees sign up here) but not S3, evidence or the
// PDF library.
package accountsfn

import (
	"context"
	"net/http"
	"time"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/application"
	"github.com/partner-portal/portal/shared/config"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/notice"
	"github.com/partner-portal/portal/shared/portal/apifn"
	"github.com/partner-portal/portal/shared/reminder"
	"github.com/partner-portal/portal/shared/strength"
)

// Settings are what the accounts function reads from its environment,
// besides TABLE_NAME, MAIL_FROM and SES_CONFIGURATION_SET.
type Settings struct {
	apifn.Settings
	Users    identity.Settings
	Reminder reminder.Config
}

// SettingsFrom reads the Settings.
func SettingsFrom(env *config.Env) (Settings, error) {
	r, err := reminder.ConfigFrom(env)
	return Settings{Settings: apifn.SettingsFrom(env), Users: identity.SettingsFrom(env, &strength.Estimator{}), Reminder: r}, err
}

// Function is the accounts function's services.
type Function struct {
	apifn.Parts
	Users    *identity.Service
	Accounts *accounts.Service
	Reminder *reminder.Job
	// Applications are the programme applications, decided here because
	// approving one opens an account.
	Applications *application.Service
}

// Build makes the services on p.
func Build(p apifn.Parts, s Settings) (*Function, error) {
	users, err := p.NewUsers(s.Users, accounts.Scope{Store: p.Store})
	if err != nil {
		return nil, err
	}
	f := &Function{
		Parts: p,
		Users: users,
		Accounts: &accounts.Service{Store: p.Store, Users: users, Delivery: p.Delivery, Mail: p.Mail, Audit: p.Audit,
			PortalURL: p.PortalURL, Now: p.Now, Log: p.Log},
		Reminder: &reminder.Job{Store: p.Store, Mail: p.Mail, Suppressed: p.Delivery, Config: s.Reminder,
			PortalURL: p.PortalURL, Log: p.Log, Sleep: time.Sleep},
	}
	f.Applications = &application.Service{Store: p.Store, Users: users, Accounts: f.Accounts, Mail: p.Mail, Audit: p.Audit,
		PortalURL: p.PortalURL, Now: p.Now, Log: p.Log}
	return f, nil
}

// Routes are the function's routes.
func (f *Function) Routes() *httpapi.Router {
	rt := httpapi.NewRouter()
	(&accounts.Handler{Accounts: f.Accounts, Sessions: f.Sessions, Audit: f.Audit, Limiter: f.Throttle}).Register(rt)
	(&accounts.DirectoryHandler{Accounts: f.Accounts, Sessions: f.Sessions}).Register(rt)
	(&reminder.Handler{Job: f.Reminder, AdminOnly: accounts.AdminOnly(f.Sessions)}).Register(rt)
	(&notice.Handler{Notices: f.Notices, Sessions: f.Sessions}).Register(rt)
	(&application.Handler{Applications: f.Applications, Sessions: f.Sessions}).Register(rt)
	return rt
}

// New builds the Lambda function's handler from the environment.
func New(ctx context.Context) (http.Handler, error) {
	return apifn.NewHandler(ctx, SettingsFrom, apifn.OnParts(Build))
}
