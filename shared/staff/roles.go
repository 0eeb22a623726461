package staff

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/session"
	"github.com/partner-portal/portal/shared/store"
)

var (
	errSelf          = fault.New(fault.Forbidden, "forbidden", "you cannot change or remove your own staff role: ask another admin")
	errStaffNotFound = fault.New(fault.NotFound, "staff_not_found", "no such member of the staff")
	errLastAdmin     = fault.New(fault.Conflict, "last_admin", "the portal needs an admin: make someone else admin first")
	errStaffChanged  = fault.New(fault.Conflict, "staff_changed", "this person's staff role changed meanwhile; reload and try again")
	errNotAdmin      = fault.New(fault.Forbidden, "forbidden", "only an active admin may do this")
)

// ChangeRole gives the staff member targetID the role `to`, on behalf of
// the admin actor; their sessions end at once (a session carries the role
// it was made with), so they sign in again with the new one. An admin does
// not change their own role, and the last admin stays one, however many
// admins act at once.
func (s *Service) ChangeRole(ctx context.Context, actor session.Session, targetID string, to identity.StaffRole, c identity.Client) error {
	target, err := s.target(ctx, actor, targetID)
	if err != nil || target.StaffRole == to {
		return err
	}
	return s.change(ctx, actor, target, to, audit.Event{UserID: target.ID, ActorID: actor.UserID, Action: audit.StaffRoleChanged,
		IP: c.IP, UserAgent: c.UserAgent, Details: map[string]string{"before.staffRole": string(target.StaffRole), "after.staffRole": string(to)}})
}

// Remove takes targetID off the staff, on behalf of the admin actor: no
// staff role, deactivated (they cannot sign in; the user stays for the
// audit trail), every session ended at once. The last admin is never
// removed.
func (s *Service) Remove(ctx context.Context, actor session.Session, targetID string, c identity.Client) error {
	target, err := s.target(ctx, actor, targetID)
	if err != nil {
		return err
	}
	return s.change(ctx, actor, target, "", audit.Event{UserID: target.ID, ActorID: actor.UserID, Action: audit.StaffRemoved,
		IP: c.IP, UserAgent: c.UserAgent, Details: map[string]string{
			"before.staffRole": string(target.StaffRole), "before.status": string(target.Status),
			"after.staffRole": "", "after.status": string(identity.Deactivated)}})
}

// target reads the staff member an admin acts on: never the admin
// themselves, and only a user with a staff role.
func (s *Service) target(ctx context.Context, actor session.Session, targetID string) (*identity.User, error) {
	if targetID == actor.UserID {
		return nil, errSelf
	}
	u, err := s.Users.Get(ctx, targetID)
	if fault.Is(err, fault.NotFound) || err == nil && u.StaffRole == "" {
		return nil, errStaffNotFound
	}
	return u, err
}

// change moves target's staff role to `to` ("" removes them) in one
// transaction: the role as read (0), the admins counter (1, when an admin
// comes or goes), the actor still an active admin, the target's session
// epoch raised and the audit event e. Then the ended sessions' items go.
func (s *Service) change(ctx context.Context, actor session.Session, target *identity.User, to identity.StaffRole, e audit.Event) error {
	role, err := s.staff().RoleItem(target.ID, target.StaffRole, to)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{role}
	counted := 0
	if delta := adminDelta(target.StaffRole, to); delta != 0 {
		count, err := s.staff().AdminCountItem(delta)
		if err != nil {
			return err
		}
		items, counted = append(items, count), 1
	}
	more, err := s.changeChecks(ctx, actor.UserID, target.ID, e)
	if err != nil {
		return err
	}
	err = s.Store.Transact(ctx, append(items, more...))
	var te *store.TxError
	switch {
	case errors.As(err, &te) && te.FailedAt(1+counted):
		return errNotAdmin // the actor stopped being an active admin meanwhile
	case errors.As(err, &te) && te.FailedAt(0):
		return errStaffChanged
	case errors.As(err, &te) && counted == 1 && te.FailedAt(1):
		return errLastAdmin
	case err != nil:
		return fmt.Errorf("change staff role: %w", err)
	}
	if err := s.Sessions.Tidy(ctx, target.ID); err != nil {
		s.Log.ErrorContext(ctx, "ended sessions not deleted", "user_id", target.ID, "err", err.Error())
	}
	return nil
}

// changeChecks are the rest of a role change's transaction: the actor
// still an active admin, the target's sessions ended, the audit event.
func (s *Service) changeChecks(ctx context.Context, actorID, targetID string, e audit.Event) ([]types.TransactWriteItem, error) {
	check, err := s.staff().ActiveAdminCheck(actorID)
	if err != nil {
		return nil, err
	}
	end, err := s.Sessions.EndAllItem(targetID)
	if err != nil {
		return nil, err
	}
	e.At = s.Now()
	put, err := s.Audit.Put(ctx, e)
	if err != nil {
		return nil, err
	}
	return []types.TransactWriteItem{check, end, put}, nil
}

// adminDelta is what a move from one role to another does to the admins.
func adminDelta(from, to identity.StaffRole) int {
	switch {
	case from == identity.Admin && to != identity.Admin:
		return -1
	case from != identity.Admin && to == identity.Admin:
		return 1
	}
	return 0
}

// Page is one page of the staff list.
type Page struct {
	Staff      []identity.View `json:"staff"`
	NextCursor string          `json:"nextCursor,omitempty"`
}

// List reads one page of the staff, by email.
func (s *Service) List(ctx context.Context, cursor string, limit int) (Page, error) {
	users, next, err := s.staff().List(ctx, cursor, limit)
	if err != nil {
		return Page{}, err
	}
	p := Page{Staff: make([]identity.View, 0, len(users)), NextCursor: next}
	now := s.Now()
	for _, u := range users {
		p.Staff = append(p.Staff, u.ViewAt(now))
	}
	return p, nil
}
