package accounts

import (
	"context"

	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/session"
)

// InvitationSignUpRequest is the body of POST /v1/invitations/{token}/sign-up:
// a sign-up without an email, which the invitation gives.
type InvitationSignUpRequest struct {
	Name            string                 `json:"name"`
	Password        string                 `json:"password"`
	SecurityAnswers []identity.AnswerInput `json:"securityAnswers"`
}

// SignUpFromInvitation creates the invitee's user from a live invitation
// and makes them a member of its account. The emailed link proved the
// mailbox, so the user is created confirmed. An address that already has a
// user is 409 email_taken: that person signs in and accepts instead.
//
// The invitation (and its inviter's right to invite) is checked before the
// user is created. The user is created before the invitation is spent; if a
// concurrent accept spends it in between, the answer is 410 and the new user
// stays (confirmed, with no account), able to sign in.
func (s *Service) SignUpFromInvitation(ctx context.Context, tok string, req InvitationSignUpRequest, c identity.Client) (*identity.User, *identity.Membership, error) {
	inv, err := s.liveInvitation(ctx, tok)
	if err != nil {
		return nil, nil, err
	}
	nu, err := identity.SignUpRequest{Email: inv.Email, Password: req.Password, Name: req.Name, SecurityAnswers: req.SecurityAnswers}.Validate()
	if err != nil {
		return nil, nil, err
	}
	u, err := s.Users.SignUp(ctx, nu, c)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.Accept(ctx, Principal{UserID: u.ID, Email: u.Email, Name: u.Name}, tok)
	if err != nil {
		return nil, nil, err
	}
	return u, m, nil
}

// liveInvitation returns the invitation of tok if it can still be used: not
// spent or expired, for an account that exists and is not suspended, from an
// inviter who may still invite (Accept checks all of it again, in its transaction).
func (s *Service) liveInvitation(ctx context.Context, tok string) (*Invitation, error) {
	if !session.WellFormed(tok) {
		return nil, errInvitationGone
	}
	var inv Invitation
	found, err := s.Store.Get(ctx, inviteKey(session.HashToken(tok)), &inv)
	if err != nil {
		return nil, err
	}
	if !found || s.Now().Unix() >= inv.ExpiresAt {
		return nil, errInvitationGone
	}
	acc, err := s.account(ctx, inv.AccountID)
	if err != nil {
		return nil, errInvitationGone
	}
	if acc.IsSuspended() {
		return nil, errSuspended(acc)
	}
	if _, err := s.inviterCheck(ctx, inv.AccountID, inv.InvitedBy, ""); err != nil {
		return nil, err
	}
	return &inv, nil
}
