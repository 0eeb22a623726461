// Package account owns the trade-account item: its key, its attributes, its
// entries in the due-date index (DUE#…), the review queues (REVIEWS#…,
// QUEUE#…) and the directory of active accounts (ACCOUNTS#ACTIVE), and the
// operations every other package calls to create it, read it and move its
// review state, due date, status, contacts and owner count. It spells these
// keys and attribute names, and no other package does.
//
// It is a leaf: it needs only the store (and the name index's folding), so the reminder job reads the
// accounts due without linking the accounts service, identity or the
// password policy.
//
// The account's partition, ACCOUNT#<id>, also holds items that other
// packages own under their own sort keys — memberships and invitation
// pointers (shared/accounts), answers, evidence, versions and documents
// (shared/profile), reminder claims (shared/reminder) — which name it with
// Partition.
package account

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/nameindex"
	"github.com/partner-portal/portal/shared/store"
)

// Account is a trade account in a programme.
type Account struct {
	store.Key
	GSI3PK        string    `dynamodbav:"GSI3PK,omitempty" json:"-"`
	GSI3SK        string    `dynamodbav:"GSI3SK,omitempty" json:"-"`
	GSI4PK        string    `dynamodbav:"GSI4PK,omitempty" json:"-"` // the directory of active accounts (Active)
	GSI4SK        string    `dynamodbav:"GSI4SK,omitempty" json:"-"`
	ID            string    `dynamodbav:"id" json:"id"`
	OrgID         string    `dynamodbav:"orgId" json:"organizationId"`
	OrgName       string    `dynamodbav:"orgName" json:"organizationName"`
	Name          string    `dynamodbav:"name" json:"name"`
	EntityType    string    `dynamodbav:"entityType" json:"entityType"`
	Programs      []string  `dynamodbav:"programs" json:"programs"`
	SpecialistID  string    `dynamodbav:"specialistId,omitempty" json:"specialistId,omitempty"`
	ReviewDueDate string    `dynamodbav:"reviewDueDate" json:"reviewDueDate"`
	Contacts      []string  `dynamodbav:"contacts,stringset,omitempty" json:"-"` // AO and POC emails, for reminders
	CreatedAt     time.Time `dynamodbav:"createdAt" json:"createdAt"`
	ProfileStatus string    `dynamodbav:"profileStatus,omitempty" json:"profileStatus,omitempty"`
	Cycle         int       `dynamodbav:"cycle,omitempty" json:"cycle,omitempty"`
	// SubmittedAt is when the profile was last submitted for review.
	SubmittedAt *time.Time `dynamodbav:"submittedAt,omitempty" json:"-"`
	// CycleDueDate is the due date the security profile's open annual
	// review answers (ProfileState.CycleDueDate).
	CycleDueDate string `dynamodbav:"cycleDueDate,omitempty" json:"-"`
	// Owners counts the members whose role is owner. Every membership write
	// moves it in the same transaction as the membership (MembershipChange),
	// on the condition that it exists and that a decrement leaves one owner,
	// so no race can leave the account without an owner. It is nil on
	// accounts made before it existed: CountOwners gives them one.
	Owners *int `dynamodbav:"owners,omitempty" json:"-"`
	// QueueKey is the account's review queue (GSI2) while it waits for
	// review: read, so that a new specialist's queue can take it over.
	QueueKey string `dynamodbav:"GSI2PK,omitempty" json:"-"`
	// Entry files the account in the staff's directory by name.
	nameindex.Entry
	// Status is StatusActive (or empty, on accounts made before it existed)
	// or StatusSuspended; Suspend and Reinstate move it.
	Status string `dynamodbav:"status,omitempty" json:"status,omitempty"`
	// SuspendedReason and SuspendedAt say why and since when the account is
	// suspended; they are kept only while it is.
	SuspendedReason string     `dynamodbav:"suspendedReason,omitempty" json:"-"`
	SuspendedAt     *time.Time `dynamodbav:"suspendedAt,omitempty" json:"-"`
	// FieldOffice is the authority's field office the account is assigned
	// to, which its members call about it.
	FieldOffice string `dynamodbav:"fieldOffice,omitempty" json:"fieldOffice,omitempty"`
}

// partitionPrefix starts the partition key of every account's items.
const partitionPrefix = "ACCOUNT#"

// itemSK is the sort key of the account item in its partition.
const itemSK = "ACCOUNT"

// Attributes of the account item that the operations of this package write.
const (
	attrProfileStatus = "profileStatus"
	attrCycle         = "cycle"
	attrSubmittedAt   = "submittedAt"
	attrReviewDueDate = "reviewDueDate"
	attrContacts      = "contacts"
	attrOwners        = "owners"
	attrGSI1PK        = "GSI1PK"
	attrGSI1SK        = "GSI1SK"
	attrGSI2PK        = "GSI2PK"
	attrGSI2SK        = "GSI2SK"
	attrGSI3PK        = "GSI3PK"
	attrName          = "name"
	attrEntityType    = "entityType"
	attrPrograms      = "programs"
	attrSpecialistID  = "specialistId"
	attrGSI3SK        = "GSI3SK"
	attrStatus        = "status"
	attrSuspendedWhy  = "suspendedReason"
	attrSuspendedAt   = "suspendedAt"
	attrGSI4PK        = "GSI4PK"
	attrGSI4SK        = "GSI4SK"
)

// Partition is the partition key of account id's items: the account item
// and, under their own sort keys, the items other packages keep with it.
func Partition(id string) string { return partitionPrefix + id }

// IsPartition reports whether s names an account's partition, as the sort
// key of an account's summary in its organisation's partition does.
func IsPartition(s string) bool { return strings.HasPrefix(s, partitionPrefix) }

// Key is the key of account id's item, for reading it in one batch with
// other items; Get reads it alone. It is written only through the operations
// of this package.
func Key(id string) store.Key { return store.Key{PK: Partition(id), SK: itemSK} }

// Create is the transaction item that puts the new account acc, unless an
// item with its id exists. It fills in acc's key, its place in the due-date
// index and in the directory of active accounts, an owner count of zero
// (the membership writes count the owners in) and the active status.
func Create(table string, acc *Account) (types.TransactWriteItem, error) {
	noOwners := 0
	acc.Key, acc.Owners, acc.Status = Key(acc.ID), &noOwners, StatusActive
	acc.GSI3PK, acc.GSI3SK = dueKey(acc.ReviewDueDate), acc.ID
	acc.Entry = nameindex.For(directory, acc.Name, acc.ID)
	acc.GSI4PK, acc.GSI4SK = activeKey, acc.ID
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	return store.TxPut(table, acc, &notExists)
}

// Get reads account id, strongly consistent; found is false when there is
// none.
func Get(ctx context.Context, st *store.Store, id string) (acc *Account, found bool, err error) {
	var a Account
	found, err = st.Get(ctx, Key(id), &a)
	if err != nil {
		return nil, false, fmt.Errorf("read account: %w", err)
	}
	if !found {
		return nil, false, nil
	}
	return &a, true, nil
}

// CountOwners gives account id the owner count n if it has none (an account
// stored before the count existed), on the condition that the account
// exists and no one wrote a count first; otherwise store.ErrConditionFailed.
func CountOwners(ctx context.Context, st *store.Store, id string, n int) error {
	cond := expression.AttributeExists(expression.Name(store.AttrPK)).And(expression.AttributeNotExists(expression.Name(attrOwners)))
	return st.Update(ctx, Key(id), expression.Set(expression.Name(attrOwners), expression.Value(n)), &cond, nil)
}

// MembershipChange is the account item's part of a membership write, for
// the caller's transaction: email joins the reminder contacts when contact
// is true and leaves them otherwise, and the owner count moves by delta. Its
// condition is that the count exists and, when delta lowers it, that at
// least one owner is left.
func MembershipChange(table, id, email string, contact bool, delta int) (types.TransactWriteItem, error) {
	address := expression.Value(&types.AttributeValueMemberSS{Value: []string{email}})
	var upd expression.UpdateBuilder
	if contact {
		upd = expression.Add(expression.Name(attrContacts), address)
	} else {
		upd = expression.Delete(expression.Name(attrContacts), address)
	}
	cond := expression.AttributeExists(expression.Name(attrOwners))
	if delta != 0 {
		upd = upd.Add(expression.Name(attrOwners), expression.Value(delta))
	}
	if delta < 0 {
		cond = cond.And(expression.Name(attrOwners).GreaterThan(expression.Value(-delta)))
	}
	return store.TxUpdate(table, Key(id), upd, &cond)
}

// activeKey is the GSI4 partition of every active account: the directory
// the notice mail-outs walk, in pages, to reach every account's owners and
// points of contact. The index projects only the id, the name and the
// contacts, so it is written again only when those change.
const activeKey = "ACCOUNTS#ACTIVE"

// Active reads, in account id order, at most limit active accounts whose id
// comes after `after` ("" for the first), from the directory index (id,
// name and contacts only); more is true when there may be more.
func Active(ctx context.Context, st *store.Store, after string, limit int) (accs []Account, more bool, err error) {
	key := expression.Key(attrGSI4PK).Equal(expression.Value(activeKey))
	if after != "" {
		key = key.And(expression.Key(attrGSI4SK).GreaterThan(expression.Value(after)))
	}
	expr, err := expression.NewBuilder().WithKeyCondition(key).Build()
	if err != nil {
		return nil, false, fmt.Errorf("build key condition: %w", err)
	}
	out, err := st.DB.Query(ctx, &dynamodb.QueryInput{
		TableName: aws.String(st.Table), IndexName: aws.String("GSI4"), Limit: aws.Int32(int32(limit)),
		KeyConditionExpression: expr.KeyCondition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
	})
	if err != nil {
		return nil, false, fmt.Errorf("read active accounts: %w", err)
	}
	if err := attributevalue.UnmarshalListOfMaps(out.Items, &accs); err != nil {
		return nil, false, fmt.Errorf("unmarshal active accounts: %w", err)
	}
	return accs, len(out.LastEvaluatedKey) > 0, nil
}
