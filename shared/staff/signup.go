package staff

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/session"
	"github.com/partner-portal/portal/shared/store"
)

var (
	errInvitationGone      = fault.New(fault.Gone, "token_expired", "this invitation has expired or was already used; ask an admin for a new one")
	errInvitationWithdrawn = fault.New(fault.Gone, "invitation_withdrawn",
		"the admin who sent this invitation is no longer an active admin; ask another admin for a new invitation")
	errFirstAdminTaken = fault.New(fault.Gone, "invitation_withdrawn",
		"the portal has an admin already, so this first-admin link no longer works; ask that admin for an invitation")
)

// SignUpRequest is the body of POST /v1/staff-invitations/{token}/sign-up:
// a sign-up without an email, which the invitation gives.
type SignUpRequest struct {
	Name            string                 `json:"name"`
	Password        string                 `json:"password"`
	SecurityAnswers []identity.AnswerInput `json:"securityAnswers"`
}

// SignUp creates the invitee's staff user from a live invitation, with the
// invited role, confirmed (the link proved the mailbox). In one
// transaction: the user and its email claim, the admins counter for an
// admin, the invitation spent, and the condition that whoever invited is
// still an active admin (for the bootstrap invitation: that there is still
// no admin). All of it lands or none.
func (s *Service) SignUp(ctx context.Context, tok string, req SignUpRequest, c identity.Client) (*identity.User, error) {
	hash, inv, err := s.live(ctx, tok)
	if err != nil {
		return nil, err
	}
	nu, err := identity.SignUpRequest{Email: inv.Email, Password: req.Password, Name: req.Name, SecurityAnswers: req.SecurityAnswers}.Validate()
	if err != nil {
		return nil, err
	}
	nu.StaffRole = inv.Role
	with, err := s.spend(hash, inv)
	if err != nil {
		return nil, err
	}
	u, err := s.Users.SignUpStaff(ctx, identity.StaffSignUp{User: nu, FirstAdmin: inv.Bootstrap, With: with}, c)
	var te *store.TxError
	switch {
	case errors.Is(err, identity.ErrAdminExists):
		return nil, errFirstAdminTaken
	case errors.As(err, &te) && te.FailedAt(0):
		return nil, errInvitationGone // spent by a concurrent sign-up
	case errors.As(err, &te) && te.FailedAt(2):
		return nil, errInvitationWithdrawn
	case err != nil:
		return nil, err
	}
	invitedBy := inv.InvitedBy
	if inv.Bootstrap {
		invitedBy = "bootstrap"
	}
	s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.StaffJoined, IP: c.IP, UserAgent: c.UserAgent,
		Details: map[string]string{"role": string(u.StaffRole), "invitedBy": invitedBy}})
	return u, nil
}

// live returns the hash of tok and its invitation, if it can still be used:
// not spent, replaced or expired, from an inviter who is still an active
// admin (checked again when it is spent).
func (s *Service) live(ctx context.Context, tok string) (string, *invitation, error) {
	if !session.WellFormed(tok) {
		return "", nil, errInvitationGone
	}
	hash := session.HashToken(tok)
	var inv invitation
	found, err := s.Store.Get(ctx, invitationKey(hash), &inv)
	if err != nil {
		return "", nil, err
	}
	if !found || s.Now().Unix() >= inv.ExpiresAt {
		return "", nil, errInvitationGone
	}
	if inv.Bootstrap {
		return hash, &inv, nil
	}
	inviter, err := s.Users.Get(ctx, inv.InvitedBy)
	if fault.Is(err, fault.NotFound) || err == nil && (inviter.StaffRole != identity.Admin || inviter.Status != identity.Active) {
		return "", nil, errInvitationWithdrawn
	}
	if err != nil {
		return "", nil, err
	}
	return hash, &inv, nil
}

// spend is the caller's part of the sign-up's transaction: the invitation
// deleted while it exists (0), its pointer deleted (1), and the inviter
// still an active admin (2; not for the bootstrap invitation).
func (s *Service) spend(hash string, inv *invitation) ([]types.TransactWriteItem, error) {
	exists := expression.AttributeExists(expression.Name(store.AttrPK))
	del, err := store.TxDelete(s.Store.Table, invitationKey(hash), &exists)
	if err != nil {
		return nil, err
	}
	// The pointer names this invitation: a newer one would have deleted it.
	ptr, err := store.TxDelete(s.Store.Table, pointerKey(inv.Email), nil)
	if err != nil {
		return nil, err
	}
	items := []types.TransactWriteItem{del, ptr}
	if !inv.Bootstrap {
		check, err := s.staff().ActiveAdminCheck(inv.InvitedBy)
		if err != nil {
			return nil, err
		}
		items = append(items, check)
	}
	return items, nil
}
