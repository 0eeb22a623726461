// Package accounts is the portal's trade organisations and accounts: who
// belongs to which account in which role, invitations, links between
// accounts, the specialist assigned to each account, and the one place that
// decides whether a principal may act on an account.
package accounts

import (
	"time"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/nameindex"
	"github.com/partner-portal/portal/shared/store"
)

// EntityTypes are the kinds of trade account the programme knows.
var EntityTypes = []string{
	"importer", "exporter", "customs_broker", "highway_carrier", "rail_carrier", "sea_carrier", "air_carrier",
	"consolidator", "third_party_logistics_provider", "marine_port_terminal_operator", "foreign_manufacturer",
	"ftz_operator", "facility_operator", "surety", "protest_filer",
}

// Programs are the partnership programmes an account can take part in.
var Programs = []string{"ctpat_security", "ctpat_trade_compliance"}

// Roles of a member of an account.
const (
	Owner = "owner" // the account owner (AO)
	POC   = "poc"   // a point of contact
	User  = "user"  // a partner user
)

// Roles is every role, in order of authority.
var Roles = []string{Owner, POC, User}

// Organization is a trade organisation grouping accounts.
type Organization struct {
	store.Key
	// Entry files the organisation in the staff's directory by name.
	nameindex.Entry
	ID        string    `dynamodbav:"id" json:"id"`
	Name      string    `dynamodbav:"name" json:"name"`
	CreatedAt time.Time `dynamodbav:"createdAt" json:"createdAt"`
}

// Summary is the copy of an account kept in its organisation's partition.
type Summary struct {
	store.Key
	AccountID  string   `dynamodbav:"accountId" json:"id"`
	Name       string   `dynamodbav:"name" json:"name"`
	EntityType string   `dynamodbav:"entityType" json:"entityType"`
	Programs   []string `dynamodbav:"programs" json:"programs"`
}

// Link records a relationship between two accounts of an organisation:
// the `from` account is the `to` account's Type (manufacturer, carrier …)
// at Tier (1 a direct partner, 2 and 3 further up the supply chain).
type Link struct {
	store.Key
	ID           string     `dynamodbav:"id" json:"id"`
	From         string     `dynamodbav:"from" json:"fromAccountId"`
	To           string     `dynamodbav:"to" json:"toAccountId"`
	Relationship string     `dynamodbav:"relationship" json:"relationship"` // a description, free text
	Type         string     `dynamodbav:"type,omitempty" json:"type"`
	Tier         int        `dynamodbav:"tier,omitempty" json:"tier"`
	Status       string     `dynamodbav:"status,omitempty" json:"status"`
	ProposedBy   string     `dynamodbav:"proposedBy,omitempty" json:"-"`
	ProposedAt   *time.Time `dynamodbav:"proposedAt,omitempty" json:"proposedAt,omitempty"`
	DecidedBy    string     `dynamodbav:"decidedBy,omitempty" json:"-"`
	DecidedAt    *time.Time `dynamodbav:"decidedAt,omitempty" json:"decidedAt,omitempty"`
	Comment      string     `dynamodbav:"comment,omitempty" json:"comment,omitempty"`
}

// Member is a user's membership seen from the account.
type Member struct {
	store.Key
	UserID   string    `dynamodbav:"userId"`
	Email    string    `dynamodbav:"email"`
	Role     string    `dynamodbav:"role"`
	JoinedAt time.Time `dynamodbav:"joinedAt"`
}

// Invitation is a pending invitation to join an account.
type Invitation struct {
	store.Key
	AccountID string    `dynamodbav:"accountId"`
	Email     string    `dynamodbav:"email"`
	Role      string    `dynamodbav:"role"`
	InvitedBy string    `dynamodbav:"invitedBy"` // a user id: an owner of the account, or an admin
	CreatedAt time.Time `dynamodbav:"createdAt"`
	ExpiresAt int64     `dynamodbav:"expiresAt"`
	// OwnerChangeID is set on the invitation an approved AO change sends,
	// and PreviousOwners (PreviousOwnerUser or PreviousOwnerLeave) when it
	// makes the invitee the owner: accepting it then hands the account over
	// (Service.handoverItems).
	OwnerChangeID  string `dynamodbav:"ownerChangeId,omitempty"`
	PreviousOwners string `dynamodbav:"previousOwners,omitempty"`
}

func orgKey(id string) store.Key { return store.Key{PK: "ORG#" + id, SK: "ORG"} }

// orgDirectory is the name-index partition of every organisation.
const orgDirectory = "NAMES#ORG"

func summaryKey(org, acc string) store.Key {
	return store.Key{PK: "ORG#" + org, SK: account.Partition(acc)}
}
func memberKey(acc, user string) store.Key {
	return store.Key{PK: account.Partition(acc), SK: "MEMBER#" + user}
}
func inviteKey(hash string) store.Key { return store.Key{PK: "INVITE#" + hash, SK: "INVITE"} }
func pointerKey(acc, email string) store.Key {
	return store.Key{PK: account.Partition(acc), SK: "INVITE#" + email}
}
func linkKey(org, from, to string) store.Key {
	return store.Key{PK: "ORG#" + org, SK: "LINK#" + from + "#" + to}
}
