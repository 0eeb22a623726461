package staff

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/session"
	"github.com/partner-portal/portal/shared/store"
)

var (
	errEmailTaken = fault.New(fault.Conflict, "email_taken",
		"this address already has a user of the portal; staff sign up with an address of their own")
	errInvitationBusy = fault.New(fault.Conflict, "invitation_conflict",
		"this address is being invited by someone else at the same moment; try again")
)

// Issued is a staff invitation just made: its one-time link (shown once),
// and when it expires.
type Issued struct {
	Email     string
	Role      identity.StaffRole
	Link      string
	Token     string
	ExpiresAt int64
}

// Invite invites email to the staff with role, on behalf of the admin
// actorID, and mails the link. An address that already has a user is 409
// email_taken. A newer invitation of an address replaces the older one.
func (s *Service) Invite(ctx context.Context, actor session.Session, email string, role identity.StaffRole) (*Issued, error) {
	iss, err := s.Issue(ctx, actor.UserID, email, role)
	if err != nil {
		return nil, err
	}
	return iss, s.mailInvitation(ctx, iss, actor.Name)
}

// Issue makes the invitation Invite mails, without mailing it: the seed
// signs its staff up from it straight away, through the same code path.
func (s *Service) Issue(ctx context.Context, actorID, email string, role identity.StaffRole) (*Issued, error) {
	if err := s.unused(ctx, email); err != nil {
		return nil, err
	}
	check, err := s.staff().ActiveAdminCheck(actorID)
	if err != nil {
		return nil, err
	}
	iss, err := s.issue(ctx, invitation{Email: email, Role: role, InvitedBy: actorID}, check)
	var te *store.TxError
	if errors.As(err, &te) && te.FailedAt(0) {
		return nil, fault.New(fault.Forbidden, "forbidden", "only an active admin may invite staff")
	}
	if err != nil {
		return nil, err
	}
	s.record(ctx, audit.Event{UserID: actorID, ActorID: actorID, Action: audit.StaffInvited,
		Details: map[string]string{"email": email, "role": string(role)}})
	return iss, nil
}

// Bootstrap makes the invitation of a fresh deployment's first admin: it
// is written only while the portal has no admin (a condition on the admins
// counter, in the same transaction), and signing up from it holds only
// while there is still none. Otherwise identity.ErrAdminExists. Running it
// again before the link is used replaces the link.
func (s *Service) Bootstrap(ctx context.Context, email string) (*Issued, error) {
	if err := s.unused(ctx, email); err != nil {
		return nil, err
	}
	check, err := s.staff().NoAdminCheck()
	if err != nil {
		return nil, err
	}
	iss, err := s.issue(ctx, invitation{Email: email, Role: identity.Admin, Bootstrap: true}, check)
	var te *store.TxError
	if errors.As(err, &te) && te.FailedAt(0) {
		return nil, identity.ErrAdminExists
	}
	if err != nil {
		return nil, err
	}
	s.record(ctx, audit.Event{UserID: "bootstrap", Action: audit.StaffInvited,
		Details: map[string]string{"email": email, "role": string(identity.Admin), "bootstrap": "true"}})
	return iss, nil
}

// MailBootstrap mails a bootstrap invitation.
func (s *Service) MailBootstrap(ctx context.Context, iss *Issued) error {
	return s.mailInvitation(ctx, iss, "")
}

// unused refuses an address that already has a user.
func (s *Service) unused(ctx context.Context, email string) error {
	_, found, err := s.Users.FindByEmail(ctx, email)
	if err != nil {
		return err
	}
	if found {
		return errEmailTaken
	}
	return nil
}

// issue stores a new invitation like inv with a fresh token, replacing the
// address's live one, in one transaction with check (item 0).
func (s *Service) issue(ctx context.Context, inv invitation, check types.TransactWriteItem) (*Issued, error) {
	tok, err := session.NewToken()
	if err != nil {
		return nil, err
	}
	hash := session.HashToken(tok)
	now := s.Now().UTC()
	inv.Key, inv.CreatedAt, inv.ExpiresAt = invitationKey(hash), now, now.Add(InvitationTTL).Unix()
	if err := s.replace(ctx, inv, hash, check); err != nil {
		return nil, err
	}
	return &Issued{Email: inv.Email, Role: inv.Role, Token: tok, ExpiresAt: inv.ExpiresAt,
		Link: s.PortalURL + "/accept-invitation?kind=staff&token=" + url.QueryEscape(tok)}, nil
}

// replace writes check, the invitation and the address's pointer naming it,
// and deletes the invitation the pointer named, in one transaction
// conditional on the pointer being as read: of concurrent invitations of
// one address each lands in turn, and only the last link works.
func (s *Service) replace(ctx context.Context, inv invitation, hash string, check types.TransactWriteItem) error {
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	put, err := store.TxPut(s.Store.Table, inv, &notExists)
	if err != nil {
		return err
	}
	for range 5 {
		var old pointer
		found, err := s.Store.Get(ctx, pointerKey(inv.Email), &old)
		if err != nil {
			return err
		}
		asRead := notExists
		if found {
			asRead = expression.Name("tokenHash").Equal(expression.Value(old.TokenHash))
		}
		ptr, err := store.TxPut(s.Store.Table, pointer{Key: pointerKey(inv.Email), TokenHash: hash, ExpiresAt: inv.ExpiresAt}, &asRead)
		if err != nil {
			return err
		}
		items := []types.TransactWriteItem{check, put, ptr}
		if found {
			del, err := store.TxDelete(s.Store.Table, invitationKey(old.TokenHash), nil)
			if err != nil {
				return err
			}
			items = append(items, del)
		}
		err = s.Store.Transact(ctx, items)
		var te *store.TxError
		if errors.As(err, &te) && te.FailedAt(2) && !te.FailedAt(0) {
			continue // another invitation of this address landed since the read
		}
		if err != nil {
			return fmt.Errorf("invite staff: %w", err)
		}
		return nil
	}
	return errInvitationBusy
}

// roleName is how a mail names a staff role.
func roleName(r identity.StaffRole) string {
	if r == identity.Admin {
		return "an administrator"
	}
	return "a Supply Chain Security Specialist"
}

func (s *Service) mailInvitation(ctx context.Context, iss *Issued, inviter string) error {
	return s.Mail.Send(ctx, mail.Message{To: iss.Email, Template: "staff_invitation", Data: map[string]any{
		"Role": roleName(iss.Role), "Inviter": inviter, "Link": iss.Link, "Days": int(InvitationTTL.Hours() / 24),
	}})
}
