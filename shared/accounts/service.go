package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/nameindex"
	"github.com/partner-portal/portal/shared/session"
	"github.com/partner-portal/portal/shared/store"
)

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 7 * 24 * time.Hour

// Service is the accounts domain.
type Service struct {
	Store     *store.Store
	Users     *identity.Service
	Delivery  DeliveryStatuses
	Mail      identity.Mailer
	Audit     identity.Auditor
	PortalURL string
	Now       func() time.Time
	Log       *slog.Logger
}

// DeliveryStatuses tells whether addresses bounced or complained
// (delivery.List): the user list shows it to the account owner. The map
// answers every address given: "ok", "bounced" or "complained".
type DeliveryStatuses interface {
	Statuses(ctx context.Context, emails []string) (map[string]string, error)
}

var errAdminOnly = fault.New(fault.Forbidden, "forbidden", "only an admin may do this")

// CreateOrganization creates an organisation (admins).
func (s *Service) CreateOrganization(ctx context.Context, p Principal, name string) (*Organization, error) {
	if err := Decide(p, Administer, true, ""); err != nil {
		return nil, err
	}
	o := &Organization{ID: store.NewID(), Name: name, CreatedAt: s.Now().UTC()}
	o.Key, o.Entry = orgKey(o.ID), nameindex.For(orgDirectory, name, o.ID)
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	if err := s.Store.Put(ctx, o, &notExists); err != nil {
		return nil, fmt.Errorf("create organisation: %w", err)
	}
	s.record(ctx, p, "", audit.Event{Action: audit.OrganizationCreated, Details: map[string]string{"organizationId": o.ID, "name": name}})
	return o, nil
}

func (s *Service) organization(ctx context.Context, id string) (*Organization, error) {
	var o Organization
	found, err := s.Store.Get(ctx, orgKey(id), &o)
	if err != nil {
		return nil, fmt.Errorf("read organisation: %w", err)
	}
	if !found {
		return nil, errOrgNotFound
	}
	return &o, nil
}

var errOrgNotFound = fault.New(fault.NotFound, "organization_not_found", "no such organisation")

// CreateAccount creates a trade account in the organisation (admins) and
// invites its owner-to-be by email.
func (s *Service) CreateAccount(ctx context.Context, p Principal, orgID string, na NewAccount) (*account.Account, error) {
	if err := Decide(p, Administer, true, ""); err != nil {
		return nil, err
	}
	org, err := s.organization(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if na.SpecialistID != "" {
		sp, err := s.Users.Get(ctx, na.SpecialistID)
		if err != nil || sp.StaffRole != identity.SCSS {
			return nil, fault.Field("specialistId", "is not a Supply Chain Security Specialist")
		}
	}
	acc := &account.Account{
		ID: store.NewID(), OrgID: org.ID, OrgName: org.Name, Name: na.Name, EntityType: na.EntityType, Programs: na.Programs,
		SpecialistID: na.SpecialistID, ReviewDueDate: na.ReviewDueDate, FieldOffice: na.FieldOffice, CreatedAt: s.Now().UTC(),
	}
	if acc.ReviewDueDate == "" {
		acc.ReviewDueDate = s.Now().UTC().AddDate(1, 0, 0).Format(dateLayout)
	}
	putAcc, err := account.Create(s.Store.Table, acc) // no owners until the invited owner accepts
	if err != nil {
		return nil, err
	}
	putSum, err := store.TxPut(s.Store.Table, Summary{Key: summaryKey(org.ID, acc.ID), AccountID: acc.ID, Name: acc.Name,
		EntityType: acc.EntityType, Programs: acc.Programs}, nil)
	if err != nil {
		return nil, err
	}
	if err := s.Store.Transact(ctx, []types.TransactWriteItem{putAcc, putSum}); err != nil {
		return nil, fmt.Errorf("create account: %w", err)
	}
	s.record(ctx, p, acc.ID, audit.Event{Action: audit.AccountCreated, Details: map[string]string{"organizationId": org.ID, "name": acc.Name}})
	if err := s.invite(ctx, p, acc, na.OwnerEmail, Owner); err != nil {
		return nil, err
	}
	return acc, nil
}

// OrganizationView is an organisation with its accounts, their confirmed
// links, the links proposed and waiting for staff, and the supply-chain
// tree the confirmed links make.
type OrganizationView struct {
	Organization
	Accounts      []Summary   `json:"accounts"`
	Links         []Link      `json:"links"`
	ProposedLinks []Link      `json:"proposedLinks"`
	SupplyChain   []ChainNode `json:"supplyChain"`
}

// GetOrganization returns the organisation, its accounts and links, to its
// members and to staff who see one of its accounts; to anyone else it does
// not exist.
func (s *Service) GetOrganization(ctx context.Context, p Principal, orgID string) (*OrganizationView, error) {
	items, err := s.Store.QueryItems(ctx, "", store.KeyOnly("PK", "ORG#"+orgID), true)
	if err != nil {
		return nil, fmt.Errorf("read organisation: %w", err)
	}
	v := &OrganizationView{Accounts: []Summary{}, Links: []Link{}, ProposedLinks: []Link{}}
	found := false
	for _, item := range items {
		switch sk := item["SK"].(*types.AttributeValueMemberS).Value; {
		case sk == "ORG":
			found = true
			if err := unmarshal(item, &v.Organization); err != nil {
				return nil, err
			}
		case account.IsPartition(sk): // an account's summary
			var sum Summary
			if err := unmarshal(item, &sum); err != nil {
				return nil, err
			}
			v.Accounts = append(v.Accounts, sum)
		case strings.HasPrefix(sk, "LINK#"):
			var l Link
			if err := unmarshal(item, &l); err != nil {
				return nil, err
			}
			v.addLink(l)
		}
	}
	if !found {
		return nil, errOrgNotFound
	}
	sees, err := s.seesOrganization(ctx, p, v)
	if err != nil {
		return nil, err
	}
	if err := Decide(p, ViewOrganization, sees, ""); err != nil {
		return nil, err
	}
	v.SupplyChain = supplyChain(v.Accounts, v.Links)
	return v, nil
}

// seesOrganization reports whether p sees the organisation: a partner who
// belongs to one of its accounts (one query of their memberships), a staff
// member who sees one of its accounts (one batch of the accounts).
func (s *Service) seesOrganization(ctx context.Context, p Principal, v *OrganizationView) (bool, error) {
	if p.StaffRole == identity.Admin {
		return true, nil
	}
	if !p.Staff() {
		mirrors, err := identity.Memberships{Store: s.Store}.Of(ctx, p.UserID)
		if err != nil {
			return false, err
		}
		return slices.ContainsFunc(mirrors, func(m identity.Membership) bool { return m.OrgID == v.ID }), nil
	}
	for chunk := range slices.Chunk(v.Accounts, 100) {
		keys := make([]store.Key, 0, len(chunk))
		for _, sum := range chunk {
			keys = append(keys, account.Key(sum.AccountID))
		}
		items, err := s.Store.BatchGet(ctx, keys)
		if err != nil {
			return false, err
		}
		for _, item := range items {
			var acc account.Account
			if err := unmarshal(item, &acc); err != nil {
				return false, err
			}
			if SeesAccount(p, &acc) {
				return true, nil
			}
		}
	}
	return false, nil
}

// UnlinkAccounts removes a link (admins).
func (s *Service) UnlinkAccounts(ctx context.Context, p Principal, orgID, linkID string) error {
	if err := Decide(p, Administer, true, ""); err != nil {
		return err
	}
	from, to, ok := strings.Cut(linkID, ".")
	if !ok || from == "" || to == "" {
		return errLinkNotFound
	}
	exists := expression.AttributeExists(expression.Name(store.AttrPK))
	err := s.Store.Delete(ctx, linkKey(orgID, from, to), &exists)
	if errors.Is(err, store.ErrConditionFailed) {
		return errLinkNotFound
	}
	if err != nil {
		return err
	}
	s.record(ctx, p, from, audit.Event{Action: audit.AccountsUnlinked, Details: map[string]string{"to": to}})
	return nil
}

var errLinkNotFound = fault.New(fault.NotFound, "link_not_found", "no such link")

// invite makes an invitation to the account for email with role, replacing
// any earlier one for that email, and mails the link.
func (s *Service) invite(ctx context.Context, p Principal, acc *account.Account, email, role string) error {
	return s.sendInvitation(ctx, p, acc, Invitation{Email: email, Role: role})
}

// sendInvitation stores inv (its email, role and AO-change fields as given;
// the rest is filled in here), replacing any earlier invitation of its email
// to the account, and mails the link.
func (s *Service) sendInvitation(ctx context.Context, p Principal, acc *account.Account, inv Invitation) error {
	email, role := inv.Email, inv.Role
	tok, err := session.NewToken()
	if err != nil {
		return err
	}
	hash := session.HashToken(tok)
	now := s.Now().UTC()
	inv.Key, inv.AccountID, inv.InvitedBy, inv.CreatedAt, inv.ExpiresAt = inviteKey(hash), acc.ID, p.UserID, now, now.Add(InvitationTTL).Unix()
	if err := s.replaceInvitation(ctx, hash, inv); err != nil {
		return err
	}
	s.record(ctx, p, acc.ID, audit.Event{Action: audit.UserInvited, Details: map[string]string{"email": email, "role": role}})
	return s.Mail.Send(ctx, mail.Message{To: email, Template: "invitation", Data: map[string]any{
		"AccountName": acc.Name, "OrgName": acc.OrgName, "Role": roleName(role), "Inviter": p.Name,
		"Link": s.PortalURL + "/accept-invitation?token=" + url.QueryEscape(tok), "Days": int(InvitationTTL.Hours() / 24),
	}})
}

// errInvitationBusy is a replacement that kept losing to concurrent ones.
var errInvitationBusy = fault.New(fault.Conflict, "invitation_conflict", "this address is being invited by someone else at the same moment; try again")

// replaceInvitation stores inv, whose token hashes to hash, points the
// account's pointer for its email at it and deletes the invitation the
// pointer named, in one transaction conditional on the pointer being as
// read. Of concurrent invitations of one address each lands in turn and
// deletes the one before it, so only the last link works.
func (s *Service) replaceInvitation(ctx context.Context, hash string, inv Invitation) error {
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	putInv, err := store.TxPut(s.Store.Table, inv, &notExists)
	if err != nil {
		return err
	}
	for range 5 {
		var old struct {
			TokenHash string `dynamodbav:"tokenHash"`
		}
		found, err := s.Store.Get(ctx, pointerKey(inv.AccountID, inv.Email), &old)
		if err != nil {
			return err
		}
		asRead := notExists
		if found {
			asRead = expression.Name("tokenHash").Equal(expression.Value(old.TokenHash))
		}
		putPtr, err := store.TxPut(s.Store.Table, struct {
			store.Key
			TokenHash string `dynamodbav:"tokenHash"`
			ExpiresAt int64  `dynamodbav:"expiresAt"`
		}{pointerKey(inv.AccountID, inv.Email), hash, inv.ExpiresAt}, &asRead)
		if err != nil {
			return err
		}
		items := []types.TransactWriteItem{putInv, putPtr}
		if old.TokenHash != "" {
			del, err := store.TxDelete(s.Store.Table, inviteKey(old.TokenHash), nil)
			if err != nil {
				return err
			}
			items = append(items, del)
		}
		err = s.Store.Transact(ctx, items)
		var te *store.TxError
		if errors.As(err, &te) && te.FailedAt(1) {
			continue // another invitation of this address landed since the read: replace that one
		}
		if err != nil {
			return fmt.Errorf("invite: %w", err)
		}
		return nil
	}
	return errInvitationBusy
}

func roleName(role string) string {
	switch role {
	case Owner:
		return "account owner"
	case POC:
		return "point of contact"
	default:
		return "user"
	}
}

// Invite invites email to the account with role (the AO).
func (s *Service) Invite(ctx context.Context, p Principal, accountID, email, role string) error {
	acc, _, err := s.Authorize(ctx, p, accountID, Invite)
	if err != nil {
		return err
	}
	return s.invite(ctx, p, acc, email, role)
}

var (
	errInvitationGone      = fault.New(fault.Gone, "token_expired", "this invitation has expired or was already used; ask for a new one")
	errInvitationWithdrawn = fault.New(fault.Gone, "invitation_withdrawn",
		"the person who sent this invitation may no longer invite to this account; ask an account owner for a new invitation")
)

// Accept makes the signed-in user a member of the invitation's account. The
// user's email must be the invited one, and whoever invited them must still
// be allowed to: an active admin, or an active owner of the account (checked
// again in the transaction that adds the membership). A user who is already
// a member keeps the higher of their role and the invited one. The
// invitation of an approved AO change that names a new owner hands the
// account over in the same transaction (handoverItems). A suspended
// account's invitations wait until it is reinstated.
func (s *Service) Accept(ctx context.Context, p Principal, tok string) (*identity.Membership, error) {
	hash, inv, acc, err := s.invitationFor(ctx, p, tok)
	if err != nil {
		return nil, err
	}
	inviter, err := s.inviterCheck(ctx, acc.ID, inv.InvitedBy, p.UserID)
	if err != nil {
		return nil, err
	}
	exists := expression.AttributeExists(expression.Name(store.AttrPK))
	spend, err := store.TxDelete(s.Store.Table, inviteKey(hash), &exists)
	if err != nil {
		return nil, err
	}
	ptr, err := store.TxDelete(s.Store.Table, pointerKey(acc.ID, inv.Email), nil)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		var m *identity.Membership
		var join []types.TransactWriteItem
		var h *handover
		if inv.Role == Owner && inv.PreviousOwners != "" {
			m, join, h, err = s.handoverItems(ctx, acc.ID, p.UserID, p.Email, inv.PreviousOwners, inv.OwnerChangeID)
		} else {
			m, join, err = s.memberItems(ctx, acc, p.UserID, p.Email, inv.Role)
		}
		if err != nil {
			return nil, err
		}
		items := []types.TransactWriteItem{spend, ptr}
		if inviter != nil {
			items = append(items, *inviter)
		}
		err = s.Store.Transact(ctx, append(items, join...))
		var te *store.TxError
		switch {
		case errors.As(err, &te) && te.FailedAt(0):
			return nil, errInvitationGone // spent by a concurrent accept
		case errors.As(err, &te) && inviter != nil && te.FailedAt(2):
			return nil, errInvitationWithdrawn // the inviter stopped being an owner meanwhile
		case errors.Is(err, store.ErrConditionFailed) && attempt < 2:
			continue // the membership changed since memberItems read it
		case errors.Is(err, store.ErrConditionFailed):
			return nil, errMembershipChanged
		case err != nil:
			return nil, fmt.Errorf("accept invitation: %w", err)
		}
		s.record(ctx, p, acc.ID, audit.Event{Action: audit.InvitationAccepted, Details: map[string]string{"role": m.Role}})
		if h != nil {
			s.recordHandover(ctx, p, acc.ID, inv.OwnerChangeID, h)
		}
		return m, nil
	}
}

// invitationFor reads the live invitation tok, which must have been sent
// to p, and its account, which must not be suspended.
func (s *Service) invitationFor(ctx context.Context, p Principal, tok string) (string, Invitation, *account.Account, error) {
	var inv Invitation
	if !session.WellFormed(tok) {
		return "", inv, nil, errInvitationGone
	}
	hash := session.HashToken(tok)
	found, err := s.Store.Get(ctx, inviteKey(hash), &inv)
	if err != nil {
		return "", inv, nil, err
	}
	if !found || s.Now().Unix() >= inv.ExpiresAt {
		return "", inv, nil, errInvitationGone
	}
	if inv.Email != p.Email {
		return "", inv, nil, fault.New(fault.Forbidden, "invitation_email_mismatch", "this invitation was sent to another email address")
	}
	acc, err := s.account(ctx, inv.AccountID)
	if err != nil {
		return "", inv, nil, errInvitationGone
	}
	if acc.IsSuspended() {
		return "", inv, nil, errSuspended(acc) // the invitation stays: it can be accepted once the account is reinstated
	}
	return hash, inv, acc, nil
}

// inviterCheck decides whether the inviter may still invite to the account:
// an active admin may; an active owner may, and the returned condition
// keeps it so until the membership is written (nil when the invitee is the
// inviter, whose own membership memberItems conditions anyway). Anyone else
// is errInvitationWithdrawn.
func (s *Service) inviterCheck(ctx context.Context, accountID, inviterID, inviteeID string) (*types.TransactWriteItem, error) {
	if inviterID == "" {
		return nil, errInvitationWithdrawn
	}
	u, err := s.Users.Get(ctx, inviterID)
	if fault.Is(err, fault.NotFound) {
		return nil, errInvitationWithdrawn
	}
	if err != nil {
		return nil, err
	}
	if u.Status != identity.Active {
		return nil, errInvitationWithdrawn
	}
	if u.StaffRole == identity.Admin {
		return nil, nil
	}
	m, found, err := s.member(ctx, accountID, inviterID)
	if err != nil {
		return nil, err
	}
	if !found || m.Role != Owner {
		return nil, errInvitationWithdrawn
	}
	if inviterID == inviteeID {
		return nil, nil
	}
	check, err := store.TxCheck(s.Store.Table, memberKey(accountID, inviterID), hasRole(Owner))
	if err != nil {
		return nil, err
	}
	return &check, nil
}

// memberItems are the writes that make a user a member of the account with
// role: the account's side, the user's side (read by /v1/me), the contacts
// and the owners counter, each conditional on the membership as read here.
// A user who is already a member keeps the higher of the two roles: an
// invitation or a legacy sync adds authority and never takes it away, so it
// cannot demote an owner (ChangeRole does that, under the last-owner rule).
// A failed condition means the membership changed meanwhile.
func (s *Service) memberItems(ctx context.Context, acc *account.Account, userID, email, role string) (*identity.Membership, []types.TransactWriteItem, error) {
	if err := s.ensureOwnerCount(ctx, acc); err != nil {
		return nil, nil, err
	}
	cur, found, err := s.member(ctx, acc.ID, userID)
	if err != nil {
		return nil, nil, err
	}
	m := &identity.Membership{OrgID: acc.OrgID, OrgName: acc.OrgName, AccountID: acc.ID,
		AccountName: acc.Name, Programs: acc.Programs, Role: role}
	if found && !outranks(role, cur.Role) {
		m.Role = cur.Role
		keep, err := store.TxCheck(s.Store.Table, memberKey(acc.ID, userID), hasRole(cur.Role))
		if err != nil {
			return nil, nil, err
		}
		return m, []types.TransactWriteItem{keep}, nil
	}
	var member types.TransactWriteItem
	if found {
		member, err = store.TxUpdate(s.Store.Table, memberKey(acc.ID, userID),
			expression.Set(expression.Name("role"), expression.Value(role)), new(hasRole(cur.Role)))
	} else {
		notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
		member, err = store.TxPut(s.Store.Table, Member{Key: memberKey(acc.ID, userID), UserID: userID, Email: email,
			Role: role, JoinedAt: s.Now().UTC()}, &notExists)
	}
	if err != nil {
		return nil, nil, err
	}
	mirror, err := identity.Memberships{Store: s.Store}.PutItem(userID, *m)
	if err != nil {
		return nil, nil, err
	}
	delta := 0
	if role == Owner {
		delta = 1 // a current owner never gets here: no role outranks it
	}
	side, err := s.accountSide(acc.ID, email, role, delta)
	if err != nil {
		return nil, nil, err
	}
	return m, []types.TransactWriteItem{member, mirror, side}, nil
}

// UserView is one user of an account as its AO and staff see it.
type UserView struct {
	UserID         string     `json:"userId"`
	Email          string     `json:"email"`
	Name           string     `json:"name"`
	Role           string     `json:"role"`
	Status         string     `json:"status"`
	LastSignInAt   *time.Time `json:"lastSignInAt,omitempty"`
	DeliveryStatus string     `json:"emailDeliveryStatus"`
}

// ListUsers lists the account's users with role, status, last sign-in and email
// delivery status (the AO and staff).
func (s *Service) ListUsers(ctx context.Context, p Principal, accountID string) ([]UserView, error) {
	if _, _, err := s.Authorize(ctx, p, accountID, ManageUsers); err != nil {
		return nil, err
	}
	members, err := s.members(ctx, accountID)
	if err != nil {
		return nil, err
	}
	users, delivery, err := s.usersOf(ctx, members)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := make([]UserView, 0, len(members))
	for _, m := range members {
		u, ok := users[m.UserID]
		if !ok {
			continue // a membership outliving its user: nothing to show
		}
		status := string(u.Status)
		if u.Status == identity.Active && u.Locked(now) {
			status = "locked"
		}
		out = append(out, UserView{UserID: u.ID, Email: u.Email, Name: u.Name, Role: m.Role, Status: status,
			LastSignInAt: u.LastSignInAt, DeliveryStatus: delivery[m.Email]})
	}
	return out, nil
}

// usersOf reads the members' users and their addresses' delivery statuses,
// side by side: one BatchGetItem each (per 100 members). A member row
// carries its user's address, which never changes.
func (s *Service) usersOf(ctx context.Context, members []Member) (map[string]*identity.User, map[string]string, error) {
	ids := make([]string, 0, len(members))
	emails := make([]string, 0, len(members))
	for _, m := range members {
		ids, emails = append(ids, m.UserID), append(emails, m.Email)
	}
	var users map[string]*identity.User
	var statuses map[string]string
	var usersErr, statusErr error
	var wg sync.WaitGroup
	wg.Go(func() { users, usersErr = s.Users.GetMany(ctx, ids) })
	wg.Go(func() { statuses, statusErr = s.Delivery.Statuses(ctx, emails) })
	wg.Wait()
	if err := errors.Join(usersErr, statusErr); err != nil {
		return nil, nil, err
	}
	return users, statuses, nil
}

func (s *Service) members(ctx context.Context, accountID string) ([]Member, error) {
	var ms []Member
	if err := s.Store.Query(ctx, "", store.KeyPrefix("PK", account.Partition(accountID), "SK", "MEMBER#"), true, &ms); err != nil {
		return nil, fmt.Errorf("read members: %w", err)
	}
	return ms, nil
}

// Deactivate ends a user's membership of the account at once (the AO and
// staff). The last owner cannot be removed, however many owners try at once.
func (s *Service) Deactivate(ctx context.Context, p Principal, accountID, userID string) error {
	acc, _, err := s.Authorize(ctx, p, accountID, RemoveUsers)
	if err != nil {
		return err
	}
	target, found, err := s.member(ctx, accountID, userID)
	if err != nil {
		return err
	}
	if !found {
		return errMemberNotFound
	}
	if err := s.ensureOwnerCount(ctx, acc); err != nil {
		return err
	}
	delta := 0
	if target.Role == Owner {
		if *acc.Owners <= 1 {
			return errLastOwner
		}
		delta = -1
	}
	del, err := store.TxDelete(s.Store.Table, memberKey(accountID, userID), new(hasRole(target.Role)))
	if err != nil {
		return err
	}
	mirror, err := identity.Memberships{Store: s.Store}.DeleteItem(userID, accountID)
	if err != nil {
		return err
	}
	side, err := s.accountSide(accountID, target.Email, User, delta)
	if err != nil {
		return err
	}
	if err := s.changeMembership(ctx, p, accountID, userID, delta, []types.TransactWriteItem{del, mirror, side}); err != nil {
		return fmt.Errorf("deactivate: %w", err)
	}
	s.record(ctx, p, accountID, audit.Event{Action: audit.UserDeactivated, Details: map[string]string{"userId": userID}})
	return nil
}

var errMemberNotFound = fault.New(fault.NotFound, "member_not_found", "no such user on this account")

// ChangeRole changes a member's role (the AO); the last owner keeps theirs.
func (s *Service) ChangeRole(ctx context.Context, p Principal, accountID, userID, role string) error {
	acc, _, err := s.Authorize(ctx, p, accountID, ChangeRoles)
	if err != nil {
		return err
	}
	target, found, err := s.member(ctx, accountID, userID)
	if err != nil {
		return err
	}
	if !found {
		return errMemberNotFound
	}
	if err := s.ensureOwnerCount(ctx, acc); err != nil {
		return err
	}
	delta := 0
	switch {
	case target.Role == Owner && role != Owner:
		if *acc.Owners <= 1 {
			return errLastOwner
		}
		delta = -1
	case target.Role != Owner && role == Owner:
		delta = 1
	}
	setRole := expression.Set(expression.Name("role"), expression.Value(role))
	m1, err := store.TxUpdate(s.Store.Table, memberKey(accountID, userID), setRole, new(hasRole(target.Role)))
	if err != nil {
		return err
	}
	m2, err := identity.Memberships{Store: s.Store}.SetRoleItem(userID, accountID, role)
	if err != nil {
		return err
	}
	side, err := s.accountSide(accountID, target.Email, role, delta)
	if err != nil {
		return err
	}
	if err := s.changeMembership(ctx, p, accountID, userID, delta, []types.TransactWriteItem{m1, m2, side}); err != nil {
		return fmt.Errorf("change role: %w", err)
	}
	s.record(ctx, p, accountID, audit.Event{Action: audit.RoleChanged, Details: map[string]string{"userId": userID, "from": target.Role, "to": role}})
	return nil
}

// record writes an audit event by p about the account.
func (s *Service) record(ctx context.Context, p Principal, accountID string, e audit.Event) {
	e.UserID, e.ActorID, e.AccountID = p.UserID, p.UserID, accountID
	if e.At.IsZero() {
		e.At = s.Now()
	}
	if ip, ua, ok := clientFrom(ctx); ok {
		e.IP, e.UserAgent = ip, ua
	}
	if err := s.Audit.Record(ctx, e); err != nil {
		s.Log.ErrorContext(ctx, "audit event not written", "action", e.Action, "err", err.Error())
	}
}
