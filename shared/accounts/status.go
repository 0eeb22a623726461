package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/store"
)

// An admin suspends a whole account when its programme status changes, and
// reinstates it, giving a reason each time. While it is suspended its
// members read but change nothing (Authorize answers 403 account_suspended
// with the reason), it is out of the reminder job's due-date index, and its
// owners are mailed both ways.

// MaxReason bounds the reason given for a suspension or a reinstatement.
const MaxReason = 500

// StatusRequest is the body of POST /v1/accounts/{accountId}/suspend and
// …/reinstate.
type StatusRequest struct {
	Reason string `json:"reason"`
}

// Validate returns the clean reason: required, at most MaxReason
// characters, no control, invisible or direction-changing character (it
// goes into emails and error messages).
func (r StatusRequest) Validate() (string, error) {
	var p problems
	reason, err := mail.Name(r.Reason)
	switch {
	case err != nil:
		p.Add("reason", "%v", err)
	case reason == "":
		p.Add("reason", "is required")
	case utf8.RuneCountInString(reason) > MaxReason:
		p.Add("reason", "is longer than %d characters", MaxReason)
	}
	return reason, p.Err()
}

// errSuspended is what a member of a suspended account gets for a change.
func errSuspended(acc *account.Account) error {
	e := fault.New(fault.Forbidden, "account_suspended", fmt.Sprintf(
		"this account is suspended (reason: %s); its members can read it but change nothing until it is reinstated", acc.SuspendedReason))
	e.Extra = map[string]any{"suspension": suspensionOf(acc)}
	return e
}

// Suspension is why and since when an account is suspended.
type Suspension struct {
	Reason string     `json:"reason"`
	Since  *time.Time `json:"since,omitempty"`
}

// suspensionOf is acc's suspension, or nil when it is not suspended.
func suspensionOf(acc *account.Account) *Suspension {
	if !acc.IsSuspended() {
		return nil
	}
	return &Suspension{Reason: acc.SuspendedReason, Since: acc.SuspendedAt}
}

var (
	errAlreadySuspended = fault.New(fault.Conflict, "already_suspended", "this account is suspended already")
	errNotSuspended     = fault.New(fault.Conflict, "not_suspended", "this account is not suspended")
	errAccountBusy      = fault.New(fault.Conflict, "account_changed", "the account kept changing meanwhile; try again")
)

// Suspend suspends the account for reason (admins): its members can no
// longer change it, it leaves the reminder job, and its owners are mailed.
// An account suspended already is 409 already_suspended.
func (s *Service) Suspend(ctx context.Context, p Principal, accountID, reason string) error {
	if err := Decide(p, Administer, true, ""); err != nil {
		return err
	}
	before, err := s.account(ctx, accountID)
	if err != nil {
		return err
	}
	after, err := account.Suspend(ctx, s.Store, before.ID, reason, s.Now())
	if errors.Is(err, store.ErrConditionFailed) {
		if _, err := s.account(ctx, accountID); err != nil {
			return err
		}
		return errAlreadySuspended
	}
	if err != nil {
		return fmt.Errorf("suspend account: %w", err)
	}
	s.record(ctx, p, after.ID, audit.Event{Action: audit.AccountSuspended, Details: map[string]string{
		"reason": reason, "before": before.State(), "after": after.State()}})
	s.mailOwners(ctx, after, "account_suspended", reason)
	return nil
}

// Reinstate makes a suspended account active again for reason (admins):
// its members may change it again, it is back in the reminder job under its
// review due date, and its owners are mailed. An account that is not
// suspended is 409 not_suspended.
func (s *Service) Reinstate(ctx context.Context, p Principal, accountID, reason string) error {
	if err := Decide(p, Administer, true, ""); err != nil {
		return err
	}
	for range 3 {
		before, err := s.account(ctx, accountID)
		if err != nil {
			return err
		}
		if !before.IsSuspended() {
			return errNotSuspended
		}
		after, err := account.Reinstate(ctx, s.Store, before)
		if errors.Is(err, store.ErrConditionFailed) {
			continue // reinstated meanwhile, or its due date moved: read it again
		}
		if err != nil {
			return fmt.Errorf("reinstate account: %w", err)
		}
		s.record(ctx, p, after.ID, audit.Event{Action: audit.AccountReinstated, Details: map[string]string{
			"reason": reason, "before": before.State(), "after": after.State(), "suspendedFor": before.SuspendedReason}})
		s.mailOwners(ctx, after, "account_reinstated", reason)
		return nil
	}
	return errAccountBusy
}

// mailOwners sends the account's owners the status mail template with the
// reason. A send that fails is logged: the change itself stands.
func (s *Service) mailOwners(ctx context.Context, acc *account.Account, template, reason string) {
	members, err := s.members(ctx, acc.ID)
	if err != nil {
		s.Log.ErrorContext(ctx, "account status mail: owners not read", "account_id", acc.ID, "err", err.Error())
		return
	}
	data := map[string]any{"AccountName": acc.Name, "OrgName": acc.OrgName, "Reason": reason,
		"AccountURL": s.PortalURL + "/accounts/" + url.PathEscape(acc.ID)}
	for _, m := range members {
		if m.Role != Owner {
			continue
		}
		if err := s.Mail.Send(ctx, mail.Message{To: m.Email, Template: template, Data: data}); err != nil {
			s.Log.ErrorContext(ctx, "account status mail not sent", "template", template, "err", err.Error())
		}
	}
}
