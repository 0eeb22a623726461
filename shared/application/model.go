// Package application is the programme application: a signed-in trade
// partner applies for their company to join CTPAT Security and/or CTPAT
// Trade Compliance, and an admin approves it — which opens the trade
// account, in a new or an existing organisation, with the applicant as its
// owner — or rejects it with a reason. One application per company
// identifier and programme is open at a time.
//
// It owns the application items, the applicant's list of them and the open
// locks (docs/data-model.md); the organisation, account and membership it
// opens are written through shared/accounts' operations.
package application

import (
	"time"

	"github.com/partner-portal/portal/shared/company"
	"github.com/partner-portal/portal/shared/store"
)

// Statuses of an application.
const (
	Pending  = "pending"
	Approved = "approved"
	Rejected = "rejected"
)

// Statuses is every status, in the order an application moves through them.
var Statuses = []string{Pending, Approved, Rejected}

// programNames are the programmes as mails name them.
var programNames = map[string]string{
	"ctpat_security":         "CTPAT Security",
	"ctpat_trade_compliance": "CTPAT Trade Compliance",
}

// Company is the company an application is for.
type Company struct {
	LegalName string `json:"legalName" dynamodbav:"legalName"`
	// EIN and ProtestFilerNumber: exactly one is given (and stored in its
	// normalised form, company.NormalizeEIN / NormalizeProtestFiler).
	EIN                string          `json:"ein,omitempty" dynamodbav:"ein,omitempty"`
	ProtestFilerNumber string          `json:"protestFilerNumber,omitempty" dynamodbav:"protestFilerNumber,omitempty"`
	EntityType         string          `json:"entityType" dynamodbav:"entityType"`
	Address            company.Address `json:"address" dynamodbav:"address"`
	Phone              string          `json:"phone" dynamodbav:"phone"`
	PhoneExtension     string          `json:"phoneExtension,omitempty" dynamodbav:"phoneExtension,omitempty"`
}

// Contact is the person the programme talks to about the application.
type Contact struct {
	Name           string `json:"name" dynamodbav:"name"`
	Email          string `json:"email" dynamodbav:"email"`
	Phone          string `json:"phone" dynamodbav:"phone"`
	PhoneExtension string `json:"phoneExtension,omitempty" dynamodbav:"phoneExtension,omitempty"`
	Title          string `json:"title,omitempty" dynamodbav:"title,omitempty"`
}

// Application is a filed application and, once decided, its decision.
type Application struct {
	store.Key
	GSI1PK      string   `dynamodbav:"GSI1PK" json:"-"`
	GSI1SK      string   `dynamodbav:"GSI1SK" json:"-"`
	ID          string   `dynamodbav:"id" json:"id"`
	Status      string   `dynamodbav:"status" json:"status"`
	Programs    []string `dynamodbav:"programs" json:"programs"`
	Company     Company  `dynamodbav:"company" json:"company"`
	Contact     Contact  `dynamodbav:"contact" json:"contact"`
	Attestation bool     `dynamodbav:"attestation" json:"attestation"`
	// Identifier is the company's normalised identifier with its kind
	// ("ein:12-3456789", "filer:260301-00042"): what the open locks key on.
	Identifier     string     `dynamodbav:"identifier" json:"-"`
	ApplicantID    string     `dynamodbav:"applicantId" json:"applicantId"`
	ApplicantEmail string     `dynamodbav:"applicantEmail" json:"applicantEmail"`
	ApplicantName  string     `dynamodbav:"applicantName" json:"applicantName"`
	CreatedAt      time.Time  `dynamodbav:"createdAt" json:"createdAt"`
	DecidedAt      *time.Time `dynamodbav:"decidedAt,omitempty" json:"decidedAt,omitempty"`
	DecidedBy      string     `dynamodbav:"decidedBy,omitempty" json:"decidedBy,omitempty"`
	Comment        string     `dynamodbav:"comment,omitempty" json:"comment,omitempty"`
	OrganizationID string     `dynamodbav:"organizationId,omitempty" json:"organizationId,omitempty"`
	AccountID      string     `dynamodbav:"accountId,omitempty" json:"accountId,omitempty"`
}

// applicantEntry is one application in its applicant's list.
type applicantEntry struct {
	store.Key
	ApplicationID string `dynamodbav:"applicationId"`
}

// lock marks an application open for a company identifier and programme.
type lock struct {
	store.Key
	ApplicationID string    `dynamodbav:"applicationId"`
	CreatedAt     time.Time `dynamodbav:"createdAt"`
}

// timeKey sorts by time: fixed width, so strings sort as the times do.
const timeKey = "2006-01-02T15:04:05.000000000Z"

func applicationKey(id string) store.Key {
	return store.Key{PK: "APPLICATION#" + id, SK: "APPLICATION"}
}

// statusKey is the GSI1 partition of the applications with the status.
func statusKey(status string) string { return "APPLICATIONS#" + status }

// applicantPartition holds a user's list of their applications.
func applicantPartition(userID string) string { return "APPLICANT#" + userID }

// entryPrefix starts the sort key of every entry of an applicant's list.
const entryPrefix = "APPLICATION#"

func applicantKey(userID string, created time.Time, id string) store.Key {
	return store.Key{PK: applicantPartition(userID), SK: entryPrefix + created.UTC().Format(timeKey) + "#" + id}
}

func lockKey(program, identifier string) store.Key {
	return store.Key{PK: "APPLOCK#" + program + "#" + identifier, SK: "APPLOCK"}
}
