package accounts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/store"
)

// LinkTypes are the relationships a link can record: the `from` account is
// the `to` account's manufacturer, supplier, carrier … at the link's tier.
var LinkTypes = []string{"manufacturer", "supplier", "carrier", "broker", "consolidator", "freight_forwarder",
	"warehouse", "third_party_logistics_provider", "other"}

// Tiers: 1 a direct business partner of the `to` account, 2 a partner's
// partner, 3 further up the chain.
const (
	MinTier = 1
	MaxTier = 3
)

// Link statuses. A link an admin makes is confirmed at once; one an account
// owner proposes waits for staff to confirm or reject it. Links stored
// before statuses existed have none and count as confirmed.
const (
	LinkProposed  = "proposed"
	LinkConfirmed = "confirmed"
	LinkRejected  = "rejected"
)

// NewLink is a validated link request.
type NewLink struct {
	From, To, Type, Relationship string
	Tier                         int
}

// LinkRequest is the body of POST /v1/organizations/{orgId}/links. Type
// and Tier came later: a request with only a relationship (the first
// shape) is a link of type "other" at tier 1.
type LinkRequest struct {
	FromAccountID string `json:"fromAccountId"`
	ToAccountID   string `json:"toAccountId"`
	Relationship  string `json:"relationship"` // optional with a type: a description
	Type          string `json:"type"`
	Tier          *int   `json:"tier"`
}

// Validate checks every field and names each one that is wrong.
func (r LinkRequest) Validate() (NewLink, error) {
	var p problems
	nl := NewLink{From: strings.TrimSpace(r.FromAccountID), To: strings.TrimSpace(r.ToAccountID), Type: r.Type, Tier: MinTier}
	if nl.From == "" || len(nl.From) > 64 {
		p.Add("fromAccountId", "is required, an account id")
	}
	if nl.To == "" || len(nl.To) > 64 {
		p.Add("toAccountId", "is required, an account id")
	}
	if strings.TrimSpace(r.Relationship) != "" || r.Type == "" {
		nl.Relationship = cleanName(&p, "relationship", r.Relationship)
	}
	switch {
	case r.Type == "" && nl.Relationship != "":
		nl.Type = "other"
	case !slices.Contains(LinkTypes, r.Type):
		p.Add("type", "must be one of %s", strings.Join(LinkTypes, ", "))
	}
	if r.Tier != nil {
		if *r.Tier < MinTier || *r.Tier > MaxTier {
			p.Add("tier", "must be from %d to %d", MinTier, MaxTier)
		}
		nl.Tier = *r.Tier
	}
	if nl.From != "" && nl.From == nl.To {
		p.Add("toAccountId", "must be another account: an account cannot be linked to itself")
	}
	return nl, p.Err()
}

// parties are the two accounts of a link and what the principal is to each.
type parties struct {
	accs  [2]*account.Account // from, to; nil when there is no such account
	roles [2]string           // the principal's role on each ("" when not a member)
}

// linkParties reads both accounts and, for a partner, their memberships of
// both, in one BatchGetItem.
func (s *Service) linkParties(ctx context.Context, p Principal, from, to string) (*parties, error) {
	ids := [2]string{from, to}
	keys := []store.Key{account.Key(from), account.Key(to)}
	if !p.Staff() {
		keys = append(keys, memberKey(from, p.UserID), memberKey(to, p.UserID))
	}
	items, err := s.Store.BatchGet(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("read linked accounts: %w", err)
	}
	var pt parties
	for _, item := range items {
		var k store.Key
		if err := unmarshal(item, &k); err != nil {
			return nil, err
		}
		i := slices.Index(ids[:], strings.TrimPrefix(k.PK, account.Partition("")))
		switch {
		case i < 0:
			continue
		case k.SK == account.Key(ids[i]).SK:
			pt.accs[i] = &account.Account{}
			err = unmarshal(item, pt.accs[i])
		default:
			var m Member
			err = unmarshal(item, &m)
			pt.roles[i] = m.Role
		}
		if err != nil {
			return nil, err
		}
	}
	return &pt, nil
}

// sees is whether p sees the link's accounts: a partner who belongs to
// either, staff who see both. role is the highest role p holds on either.
func (pt *parties) sees(p Principal) (sees bool, role string) {
	if p.Staff() {
		return pt.accs[0] != nil && pt.accs[1] != nil && SeesAccount(p, pt.accs[0]) && SeesAccount(p, pt.accs[1]), ""
	}
	for _, r := range Roles { // in order of authority
		if slices.Contains(pt.roles[:], r) {
			return true, r
		}
	}
	return false, ""
}

// inOrganization checks that both accounts exist in the organisation.
func (pt *parties) inOrganization(orgID string, ids ...string) error {
	for i, acc := range pt.accs {
		if acc == nil || acc.OrgID != orgID {
			return fault.Field("accountId", "%s is not an account of this organisation", ids[i])
		}
	}
	return nil
}

// LinkAccounts records a link between two accounts of the organisation.
// An admin's is confirmed at once (replacing any link of the pair); an
// owner of either account proposes one, which staff then confirm or reject
// (409 link_exists while the pair has a proposed or confirmed link).
func (s *Service) LinkAccounts(ctx context.Context, p Principal, orgID string, nl NewLink) (*Link, error) {
	pt, err := s.linkParties(ctx, p, nl.From, nl.To)
	if err != nil {
		return nil, err
	}
	admin := p.StaffRole == identity.Admin
	if !admin {
		sees, role := pt.sees(p)
		if err := Decide(p, ProposeLink, sees, role); err != nil {
			return nil, err
		}
	}
	if err := pt.inOrganization(orgID, nl.From, nl.To); err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	l := &Link{Key: linkKey(orgID, nl.From, nl.To), ID: nl.From + "." + nl.To, From: nl.From, To: nl.To, Relationship: nl.Relationship,
		Type: nl.Type, Tier: nl.Tier, Status: LinkProposed, ProposedBy: p.UserID, ProposedAt: &now}
	// A proposal needs the pair free (or its last proposal rejected).
	action, cond := audit.LinkProposed, expression.Or(expression.AttributeNotExists(expression.Name(store.AttrPK)),
		expression.Name("status").Equal(expression.Value(LinkRejected)))
	condp := &cond
	if admin {
		l.Status, l.DecidedBy, l.DecidedAt, action, condp = LinkConfirmed, p.UserID, &now, audit.AccountsLinked, nil
	}
	if err := s.Store.Put(ctx, l, condp); errors.Is(err, store.ErrConditionFailed) {
		return nil, fault.New(fault.Conflict, "link_exists", "these accounts are linked, or a link between them awaits a decision")
	} else if err != nil {
		return nil, err
	}
	s.record(ctx, p, nl.From, audit.Event{Action: action, Details: map[string]string{"linkId": l.ID, "to": nl.To,
		"type": nl.Type, "tier": fmt.Sprint(nl.Tier), "relationship": nl.Relationship}})
	return l, nil
}

// LinkDecision is the body of POST …/links/{linkId}/decision.
type LinkDecision struct {
	Decision string `json:"decision"` // confirm or reject
	Comment  string `json:"comment"`
}

// Validate checks the decision and the comment.
func (d LinkDecision) Validate() (string, error) {
	var p problems
	if d.Decision != "confirm" && d.Decision != "reject" {
		p.Add("decision", "must be confirm or reject")
	}
	comment := strings.TrimSpace(d.Comment)
	if len(comment) > MaxJustification {
		p.Add("comment", "is longer than %d characters", MaxJustification)
	}
	return comment, p.Err()
}

// DecideLink confirms or rejects a proposed link: admins, and specialists
// who see both accounts. 409 link_not_proposed once it was decided.
func (s *Service) DecideLink(ctx context.Context, p Principal, orgID, linkID, decision, comment string) (*Link, error) {
	from, to, ok := strings.Cut(linkID, ".")
	if !ok || from == "" || to == "" || from == to || len(linkID) > 130 {
		return nil, errLinkNotFound
	}
	pt, err := s.linkParties(ctx, p, from, to)
	if err != nil {
		return nil, err
	}
	sees, role := pt.sees(p)
	if err := Decide(p, DecideLink, sees, role); err != nil {
		return nil, err
	}
	status, action := LinkConfirmed, audit.LinkConfirmed
	if decision == "reject" {
		status, action = LinkRejected, audit.LinkRejected
	}
	now := s.Now().UTC()
	upd := expression.Set(expression.Name("status"), expression.Value(status)).Set(expression.Name("decidedBy"), expression.Value(p.UserID)).
		Set(expression.Name("decidedAt"), expression.Value(now)).Set(expression.Name("comment"), expression.Value(comment))
	cond := expression.Name("status").Equal(expression.Value(LinkProposed))
	var l Link
	err = s.Store.Update(ctx, linkKey(orgID, from, to), upd, &cond, &l)
	if errors.Is(err, store.ErrConditionFailed) {
		return nil, s.undecidable(ctx, orgID, from, to)
	}
	if err != nil {
		return nil, err
	}
	s.record(ctx, p, from, audit.Event{Action: action, Details: map[string]string{"linkId": linkID, "to": to, "comment": comment}})
	return &l, nil
}

// undecidable says why a decision's condition failed: no such link, or it
// is not (any more) a proposal.
func (s *Service) undecidable(ctx context.Context, orgID, from, to string) error {
	var l Link
	found, err := s.Store.Get(ctx, linkKey(orgID, from, to), &l)
	if err != nil {
		return err
	}
	if !found {
		return errLinkNotFound
	}
	return fault.New(fault.Conflict, "link_not_proposed", "this link is not waiting for a decision: it is "+l.state())
}

// state is the link's status, confirmed for links older than statuses.
func (l Link) state() string {
	if l.Status == "" {
		return LinkConfirmed
	}
	return l.Status
}

// sortLinks orders links by tier, then type, then the accounts.
func sortLinks(ls []Link) {
	slices.SortFunc(ls, func(a, b Link) int {
		if a.Tier != b.Tier {
			return a.Tier - b.Tier
		}
		return strings.Compare(a.Type+a.From+a.To, b.Type+b.From+b.To)
	})
}
