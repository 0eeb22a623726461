package accounts

import (
	"context"
	"slices"

	"github.com/partner-portal/portal/shared/audit"
)

// StaffActor is how an account's audit names a staff member to the
// account's partners.
const StaffActor = "portal staff"

// AuditEvent is an event of an account's audit as
// GET /v1/accounts/{accountId}/audit shows it: Actor is StaffActor when
// staff did it.
type AuditEvent struct {
	audit.Event
	Actor string `json:"actor,omitempty"`
}

// AuditPage is one page of an account's audit.
type AuditPage struct {
	Events     []AuditEvent `json:"events"`
	NextCursor string       `json:"nextCursor,omitempty"`
}

// AuditView prepares a page of an account's audit for p. Staff see every
// event as recorded. Partners (the AO) see staff actions as done by "portal
// staff", without the staff member's id, IP address or user agent; an actor
// who cannot be found is hidden the same way, unnamed.
func (s *Service) AuditView(ctx context.Context, p Principal, page audit.Page) (AuditPage, error) {
	actorOf := func(e audit.Event) string {
		if e.ActorID != "" {
			return e.ActorID
		}
		return e.UserID
	}
	var ids []string
	for _, e := range page.Events {
		if id := actorOf(e); id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	users, err := s.Users.GetMany(ctx, ids)
	if err != nil {
		return AuditPage{}, err
	}
	out := AuditPage{Events: make([]AuditEvent, 0, len(page.Events)), NextCursor: page.NextCursor}
	for _, e := range page.Events {
		v := AuditEvent{Event: e}
		actor := actorOf(e)
		u, known := users[actor]
		staff := known && u.StaffRole != ""
		if staff {
			v.Actor = StaffActor
		}
		if !p.Staff() && (staff || !known) {
			if v.UserID == actor {
				v.UserID = ""
			}
			v.ActorID, v.IP, v.UserAgent = "", "", ""
		}
		if !p.Staff() {
			v.Details = withoutStaffIDs(v.Details)
		}
		out.Events = append(out.Events, v)
	}
	return out, nil
}
