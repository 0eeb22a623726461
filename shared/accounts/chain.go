package accounts

import (
	"slices"
	"strings"
)

// ChainNode is an account in an organisation's supply-chain tree, with its
// confirmed partners (the `from` side of links to it) by tier.
type ChainNode struct {
	AccountID  string      `json:"accountId"`
	Name       string      `json:"name"`
	EntityType string      `json:"entityType"`
	Tiers      []ChainTier `json:"tiers"`
	// Repeated marks an account shown with its partners elsewhere in the
	// tree (or above it on this branch): its partners are not repeated.
	Repeated bool `json:"repeated,omitempty"`
}

// ChainTier is one tier of an account's partners.
type ChainTier struct {
	Tier  int         `json:"tier"`
	Links []ChainLink `json:"links"`
}

// ChainLink is a confirmed link to an account, with the partner's own tree.
type ChainLink struct {
	LinkID       string    `json:"linkId"`
	Type         string    `json:"type"`
	Relationship string    `json:"relationship"`
	Account      ChainNode `json:"account"`
}

// supplyChain builds the tree of the confirmed links: at the top the
// accounts that are no one's partner (the importers, typically), under
// each its partners by tier, and theirs below them. Each account's partners
// are shown once, where it first appears; accounts only reachable through a
// cycle start trees of their own.
func supplyChain(accs []Summary, links []Link) []ChainNode {
	byID := make(map[string]Summary, len(accs))
	for _, a := range accs {
		byID[a.AccountID] = a
	}
	partners, isPartner := map[string][]Link{}, map[string]bool{}
	for _, l := range links {
		if _, ok := byID[l.From]; ok {
			partners[l.To] = append(partners[l.To], l)
			isPartner[l.From] = true
		}
	}
	sorted := slices.Clone(accs)
	slices.SortFunc(sorted, func(a, b Summary) int { return strings.Compare(a.Name+a.AccountID, b.Name+b.AccountID) })
	b := chainBuilder{byID: byID, partners: partners, shown: map[string]bool{}}
	roots := []ChainNode{}
	for _, a := range sorted {
		if !isPartner[a.AccountID] {
			roots = append(roots, b.node(a.AccountID))
		}
	}
	for _, a := range sorted {
		if !b.shown[a.AccountID] {
			roots = append(roots, b.node(a.AccountID))
		}
	}
	return roots
}

type chainBuilder struct {
	byID     map[string]Summary
	partners map[string][]Link
	shown    map[string]bool
}

// node is the account's tree, or a repeated mark if it was shown already.
func (b *chainBuilder) node(id string) ChainNode {
	a := b.byID[id]
	n := ChainNode{AccountID: id, Name: a.Name, EntityType: a.EntityType, Tiers: []ChainTier{}}
	if b.shown[id] {
		n.Repeated = true
		return n
	}
	b.shown[id] = true
	ls := b.partners[id]
	sortLinks(ls)
	for _, l := range ls {
		if len(n.Tiers) == 0 || n.Tiers[len(n.Tiers)-1].Tier != l.Tier {
			n.Tiers = append(n.Tiers, ChainTier{Tier: l.Tier, Links: []ChainLink{}})
		}
		t := &n.Tiers[len(n.Tiers)-1]
		t.Links = append(t.Links, ChainLink{LinkID: l.ID, Type: l.Type, Relationship: l.Relationship, Account: b.node(l.From)})
	}
	return n
}

// addLink files l by its status: confirmed links (and those older than
// statuses, which are given type other at tier 1) under Links, proposals
// under ProposedLinks; rejected ones are not shown (the audit keeps them).
func (v *OrganizationView) addLink(l Link) {
	if l.Type == "" {
		l.Type = "other"
	}
	if l.Tier == 0 {
		l.Tier = MinTier
	}
	switch l.state() {
	case LinkConfirmed:
		l.Status = LinkConfirmed
		v.Links = append(v.Links, l)
	case LinkProposed:
		v.ProposedLinks = append(v.ProposedLinks, l)
	}
}
