package application

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/store"
)

// Users reads a user (identity.Service).
type Users interface {
	Get(ctx context.Context, id string) (*identity.User, error)
}

// Opener gives the writes that open an owned trade account
// (accounts.Service).
type Opener interface {
	OpenItems(ctx context.Context, oa accounts.OwnedAccount) (*account.Account, []types.TransactWriteItem, error)
}

// Mailer sends one email (mail.Sender).
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// Auditor records audit events, alone or inside an action's transaction
// (audit.Log).
type Auditor interface {
	Record(ctx context.Context, e audit.Event) error
	Put(ctx context.Context, e audit.Event) (types.TransactWriteItem, error)
}

// Service is the programme application's domain.
type Service struct {
	Store     *store.Store
	Users     Users
	Accounts  Opener
	Mail      Mailer
	Audit     Auditor
	PortalURL string
	Now       func() time.Time
	Log       *slog.Logger
}

var (
	errStaff       = fault.New(fault.Forbidden, "staff_cannot_apply", "authority staff do not apply to the programme: a company's own user applies")
	errNotVerified = fault.New(fault.Forbidden, "email_not_verified", "confirm your email address before you apply")
	errNotFound    = fault.New(fault.NotFound, "application_not_found", "no such application")
	errDecided     = fault.New(fault.Conflict, "already_decided", "this application was already decided")
	errChanged     = fault.New(fault.Conflict, "application_changed", "the organisation joined or the account changed meanwhile; reload and decide again")
)

// errOpen is the 409 for an identifier that has an open application for one
// of the programmes.
func errOpen(programs []string) error {
	names := make([]string, 0, len(programs))
	for _, p := range programs {
		names = append(names, programNames[p])
	}
	return fault.New(fault.Conflict, "application_open",
		"an application for this company identifier and "+strings.Join(names, " and ")+" is already waiting for a decision")
}

// Submit files the application fl for the signed-in partner p: a verified
// user who is not authority staff. In one transaction it stores the
// application, its place in p's list and an open lock per programme on the
// company identifier — conditional on none of those locks existing, so of
// concurrent applications for one identifier and programme exactly one is
// filed and the others get 409 application_open — and the audit event.
func (s *Service) Submit(ctx context.Context, p accounts.Principal, fl Filing) (*Application, error) {
	if p.Staff() {
		return nil, errStaff
	}
	u, err := s.Users.Get(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	if u.EmailPending {
		return nil, errNotVerified
	}
	now := s.Now().UTC()
	app := &Application{ID: store.NewID(), Status: Pending, Programs: fl.Programs, Company: fl.Company, Contact: fl.Contact,
		Attestation: true, Identifier: fl.Identifier, ApplicantID: u.ID, ApplicantEmail: u.Email, ApplicantName: u.Name, CreatedAt: now}
	app.Key = applicationKey(app.ID)
	app.GSI1PK, app.GSI1SK = statusKey(Pending), now.Format(timeKey)+"#"+app.ID
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	items := make([]types.TransactWriteItem, 0, 3+len(app.Programs))
	for _, it := range []any{app, applicantEntry{Key: applicantKey(u.ID, now, app.ID), ApplicationID: app.ID}} {
		put, err := store.TxPut(s.Store.Table, it, &notExists)
		if err != nil {
			return nil, err
		}
		items = append(items, put)
	}
	for _, prog := range app.Programs {
		put, err := store.TxPut(s.Store.Table, lock{Key: lockKey(prog, app.Identifier), ApplicationID: app.ID, CreatedAt: now}, &notExists)
		if err != nil {
			return nil, err
		}
		items = append(items, put)
	}
	ev, err := s.Audit.Put(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.ApplicationSubmitted, At: now,
		Details: map[string]string{"applicationId": app.ID, "programs": strings.Join(app.Programs, ","), "legalName": app.Company.LegalName,
			"identifier": app.Identifier}})
	if err != nil {
		return nil, err
	}
	err = s.Store.Transact(ctx, append(items, ev))
	var te *store.TxError
	if errors.As(err, &te) {
		var busy []string
		for i, prog := range app.Programs {
			if te.FailedAt(2 + i) {
				busy = append(busy, prog)
			}
		}
		if len(busy) > 0 {
			return nil, errOpen(busy)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("file application: %w", err)
	}
	return app, nil
}

// read reads application id, strongly consistent.
func (s *Service) read(ctx context.Context, id string) (*Application, error) {
	var app Application
	found, err := s.Store.Get(ctx, applicationKey(id), &app)
	if err != nil {
		return nil, fmt.Errorf("read application: %w", err)
	}
	if !found {
		return nil, errNotFound
	}
	return &app, nil
}

// Get returns application id to its applicant and to staff; to anyone else
// it does not exist.
func (s *Service) Get(ctx context.Context, p accounts.Principal, id string) (*Application, error) {
	app, err := s.read(ctx, id)
	if err != nil {
		return nil, err
	}
	if !p.Staff() && app.ApplicantID != p.UserID {
		return nil, errNotFound
	}
	return viewFor(p, app), nil
}

// viewFor is app as p sees it: a partner is not shown which admin decided.
func viewFor(p accounts.Principal, app *Application) *Application {
	if !p.Staff() {
		app.DecidedBy = ""
	}
	return app
}

// Mine lists p's own applications, newest first: one query of p's list,
// then the applications in batches of 100.
func (s *Service) Mine(ctx context.Context, p accounts.Principal) ([]Application, error) {
	var entries []applicantEntry
	key := store.KeyPrefix(store.AttrPK, applicantPartition(p.UserID), store.AttrSK, entryPrefix)
	if err := s.Store.Query(ctx, "", key, false, &entries); err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	out := make([]Application, 0, len(entries))
	for chunk := range slices.Chunk(entries, 100) {
		keys := make([]store.Key, 0, len(chunk))
		for _, e := range chunk {
			keys = append(keys, applicationKey(e.ApplicationID))
		}
		items, err := s.Store.BatchGet(ctx, keys)
		if err != nil {
			return nil, err
		}
		for _, item := range items {
			var app Application
			if err := unmarshal(item, &app); err != nil {
				return nil, err
			}
			out = append(out, *viewFor(p, &app))
		}
	}
	slices.SortFunc(out, func(a, b Application) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

// Decide approves or rejects pending application id (admins), in one
// transaction: the application's status (conditional on it being pending,
// so a second decision is 409 already_decided), the release of its open
// locks, the audit event and, for an approval, the organisation (founded,
// or joined when d names one), the account — named for the company, with
// its entity type and programmes, the specialist d names (or the shared
// pool) and a first review due a year from today — and the applicant as its
// owner. The applicant is then mailed the decision; a rejection carries the
// comment.
func (s *Service) Decide(ctx context.Context, p accounts.Principal, id string, d DecisionRequest) (*Application, error) {
	if err := accounts.Decide(p, accounts.Administer, true, ""); err != nil {
		return nil, err
	}
	app, err := s.read(ctx, id)
	if err != nil {
		return nil, err
	}
	if app.Status != Pending {
		return nil, errDecided
	}
	now := s.Now().UTC()
	status := map[string]string{Approve: Approved, Reject: Rejected}[d.Decision]
	var acc *account.Account
	var open []types.TransactWriteItem
	if status == Approved {
		acc, open, err = s.Accounts.OpenItems(ctx, accounts.OwnedAccount{OrgID: d.OrganizationID, OrgName: app.Company.LegalName,
			Name: app.Company.LegalName, EntityType: app.Company.EntityType, Programs: app.Programs, SpecialistID: d.SpecialistID,
			ReviewDueDate: now.AddDate(1, 0, 0).Format(time.DateOnly), OwnerID: app.ApplicantID, OwnerEmail: app.ApplicantEmail})
		if err != nil {
			return nil, err
		}
		app.AccountID, app.OrganizationID = acc.ID, acc.OrgID
	}
	app.Status, app.DecidedAt, app.DecidedBy, app.Comment = status, &now, p.UserID, d.Comment
	items, err := s.decisionItems(ctx, app, now)
	if err != nil {
		return nil, err
	}
	err = s.Store.Transact(ctx, append(items, open...))
	var te *store.TxError
	switch {
	case errors.As(err, &te) && te.FailedAt(0):
		return nil, errDecided
	case errors.Is(err, store.ErrConditionFailed):
		return nil, errChanged
	case err != nil:
		return nil, fmt.Errorf("decide application: %w", err)
	}
	s.tell(ctx, app, acc)
	return app, nil
}

// decisionItems are the decided application's own writes: its new status
// (item 0, on the condition that it was pending), the release of each open
// lock it holds, and the audit event with the status before and after.
func (s *Service) decisionItems(ctx context.Context, app *Application, now time.Time) ([]types.TransactWriteItem, error) {
	upd := expression.Set(expression.Name("status"), expression.Value(app.Status)).
		Set(expression.Name("decidedAt"), expression.Value(now)).
		Set(expression.Name("decidedBy"), expression.Value(app.DecidedBy)).
		Set(expression.Name(attrGSI1PK), expression.Value(statusKey(app.Status))).
		Set(expression.Name(attrGSI1SK), expression.Value(now.Format(timeKey)+"#"+app.ID))
	details := map[string]string{"applicationId": app.ID, "from": Pending, "to": app.Status}
	for attr, v := range map[string]string{"comment": app.Comment, "accountId": app.AccountID, "organizationId": app.OrganizationID} {
		if v != "" {
			upd = upd.Set(expression.Name(attr), expression.Value(v))
			details[attr] = v
		}
	}
	pending := expression.Name("status").Equal(expression.Value(Pending))
	decide, err := store.TxUpdate(s.Store.Table, app.Key, upd, &pending)
	if err != nil {
		return nil, err
	}
	items := []types.TransactWriteItem{decide}
	// A lock is released only if it is this application's (it always is
	// while the application is pending; the condition keeps it so).
	mine := expression.AttributeNotExists(expression.Name(store.AttrPK)).Or(expression.Name("applicationId").Equal(expression.Value(app.ID)))
	for _, prog := range app.Programs {
		del, err := store.TxDelete(s.Store.Table, lockKey(prog, app.Identifier), &mine)
		if err != nil {
			return nil, err
		}
		items = append(items, del)
	}
	action := map[string]string{Approved: audit.ApplicationApproved, Rejected: audit.ApplicationRejected}[app.Status]
	ev, err := s.Audit.Put(ctx, audit.Event{UserID: app.ApplicantID, ActorID: app.DecidedBy, AccountID: app.AccountID, Action: action,
		At: now, Details: details})
	if err != nil {
		return nil, err
	}
	return append(items, ev), nil
}

// tell mails the applicant the decision. The decision stands whether or not
// the email goes.
func (s *Service) tell(ctx context.Context, app *Application, acc *account.Account) {
	names := make([]string, 0, len(app.Programs))
	for _, p := range app.Programs {
		names = append(names, programNames[p])
	}
	data := map[string]any{"Name": app.ApplicantName, "LegalName": app.Company.LegalName, "Programs": strings.Join(names, " and "),
		"FiledAt": app.CreatedAt.UTC().Format("2 January 2006"), "Link": s.PortalURL + "/applications"}
	template := "application_rejected"
	if acc != nil {
		template = "application_approved"
		data["AccountName"], data["OrgName"], data["ReviewDueDate"] = acc.Name, acc.OrgName, acc.ReviewDueDate
	} else {
		data["Comment"] = app.Comment
	}
	if err := s.Mail.Send(ctx, mail.Message{To: app.ApplicantEmail, Template: template, Data: data}); err != nil {
		s.Log.ErrorContext(ctx, "application decision email not sent", "application_id", app.ID, "err", err.Error())
	}
}
