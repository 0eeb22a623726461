// Package audit records who did what, when and from where, and lists it per
// user and per account, newest first.
package audit

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/store"
)

// Actions recorded by the portal.
const (
	SignUp         = "sign_up"
	SignUpAttempt  = "sign_up_attempt" // someone signed up with an address that has a user
	EmailVerified  = "email_verified"
	SignIn         = "sign_in"
	SignInFailed   = "sign_in_failed"
	Lockout        = "lockout"
	Unlock         = "unlock"
	Suspend        = "suspend"
	Reinstate      = "reinstate"
	SignOut        = "sign_out"
	SessionEnded   = "session_ended"
	PasswordRehash = "password_rehashed"

	PasswordChanged        = "password_changed"
	PasswordReset          = "password_reset"
	PasswordCheckFailed    = "password_check_failed"
	SecurityAnswersChanged = "security_answers_changed"
	ResetRequested         = "password_reset_requested"
	ResetAnswersWrong      = "password_reset_answers_wrong"
	ResetTokenBurnt        = "password_reset_token_burnt"

	// Trade organisations, accounts and their users.
	OrganizationCreated  = "organization_created"
	AccountCreated       = "account_created"
	AccountsLinked       = "accounts_linked"
	AccountsUnlinked     = "accounts_unlinked"
	LinkProposed         = "link_proposed"
	LinkConfirmed        = "link_confirmed"
	LinkRejected         = "link_rejected"
	UserInvited          = "user_invited"
	InvitationAccepted   = "invitation_accepted"
	UserDeactivated      = "user_deactivated"
	RoleChanged          = "role_changed"
	LegacySynced         = "legacy_synced"
	LegacySyncRefused    = "legacy_sync_refused" // the right password of a credential not active in the legacy system
	OwnerChangeRequested = "owner_change_requested"
	OwnerChangeApproved  = "owner_change_approved"
	OwnerChangeRejected  = "owner_change_rejected"
	OwnerChangeCompleted = "owner_change_completed" // the new owner accepted: the previous owners became users or left
	AccountSuspended     = "account_suspended"
	AccountReinstated    = "account_reinstated"

	// Programme applications.
	ApplicationSubmitted = "application_submitted"
	ApplicationApproved  = "application_approved"
	ApplicationRejected  = "application_rejected"
	// The authority's staff (shared/staff), and account administration.
	StaffInvited       = "staff_invited"
	StaffJoined        = "staff_joined"
	StaffRoleChanged   = "staff_role_changed"
	StaffRemoved       = "staff_removed"
	AccountEdited      = "account_edited"
	SpecialistAssigned = "specialist_assigned"

	// The security profile, its evidence and its review.
	ProfileAnswerSaved    = "profile_answer_saved"
	ProfileSubmitted      = "profile_submitted"
	ReviewApproved        = "review_approve"
	ReviewReturned        = "review_return"
	AnnualReviewOpened    = "annual_review_opened"
	EvidenceUploadStarted = "evidence_upload_started"
	EvidenceRefused       = "evidence_refused"
	EvidenceUploaded      = "evidence_uploaded"
	EvidenceDeleted       = "evidence_deleted"

	// Notices: announcements and data freezes.
	AnnouncementPublished = "announcement_published"
	AnnouncementEdited    = "announcement_edited"
	AnnouncementWithdrawn = "announcement_withdrawn"
	FreezeCreated         = "freeze_created"
	FreezeRescheduled     = "freeze_rescheduled"
	FreezeLifted          = "freeze_lifted"

	// The public document library.
	LibraryUploadStarted     = "library_upload_started"
	LibraryUploadRefused     = "library_upload_refused"
	LibraryDocumentPublished = "library_document_published"
	LibraryDocumentDeleted   = "library_document_deleted"
)

// Event is one audited action. UserID is whom it is about (its list), ActorID
// who did it (the same user, or staff).
type Event struct {
	UserID    string            `dynamodbav:"userId" json:"userId"`
	ActorID   string            `dynamodbav:"actorId,omitempty" json:"actorId,omitempty"`
	AccountID string            `dynamodbav:"accountId,omitempty" json:"accountId,omitempty"`
	Action    string            `dynamodbav:"action" json:"action"`
	At        time.Time         `dynamodbav:"at" json:"at"`
	IP        string            `dynamodbav:"ip,omitempty" json:"ip,omitempty"`
	UserAgent string            `dynamodbav:"userAgent,omitempty" json:"userAgent,omitempty"`
	Details   map[string]string `dynamodbav:"details,omitempty" json:"details,omitempty"`
	ID        string            `dynamodbav:"id" json:"id"`
	// ExpiresAt, when set, lets DynamoDB's TTL delete the event (epoch
	// seconds): for events about no user, such as failed sign-ins of unknown
	// addresses.
	ExpiresAt int64 `dynamodbav:"expiresAt,omitempty" json:"-"`
}

type item struct {
	store.Key
	GSI1PK string `dynamodbav:"GSI1PK,omitempty"`
	GSI1SK string `dynamodbav:"GSI1SK,omitempty"`
	Event
}

// Log writes and reads audit events.
type Log struct {
	Store *store.Store
}

// timeKey sorts events by time; fixed width so strings sort as times do.
const timeKey = "2006-01-02T15:04:05.000000000Z"

// Record writes e. The time and id are set here when empty.
func (l *Log) Record(ctx context.Context, e Event) error {
	if err := l.Store.Put(ctx, l.item(ctx, e), nil); err != nil {
		return fmt.Errorf("record %s: %w", e.Action, err)
	}
	return nil
}

// Put is the write that records e, for the caller to put in the
// transaction of the action it records: the event is then kept exactly
// when the action is.
func (l *Log) Put(ctx context.Context, e Event) (types.TransactWriteItem, error) {
	return store.TxPut(l.Store.Table, l.item(ctx, e), nil)
}

// item is e as stored: timed, given an id, and, when the event does not
// say, from the address and agent of the request ctx belongs to.
func (l *Log) item(ctx context.Context, e Event) item {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = e.At.UTC()
	if e.ID == "" {
		e.ID = store.NewID()
	}
	if c := httpapi.ClientOf(ctx); e.IP == "" && e.UserAgent == "" {
		e.IP, e.UserAgent = c.IP, c.UserAgent
	}
	sk := e.At.Format(timeKey) + "#" + e.ID
	it := item{Key: store.Key{PK: "AUDIT#USER#" + e.UserID, SK: sk}, Event: e}
	if e.AccountID != "" {
		it.GSI1PK, it.GSI1SK = "AUDIT#ACCOUNT#"+e.AccountID, sk
	}
	return it
}

// Page is one page of events and the cursor of the next ("" at the end).
type Page struct {
	Events     []Event `json:"events"`
	NextCursor string  `json:"nextCursor,omitempty"`
}

// ForUser lists the events about a user, newest first, limit at a time,
// continuing after cursor (from a previous Page).
func (l *Log) ForUser(ctx context.Context, userID, cursor string, limit int) (Page, error) {
	return l.list(ctx, "", store.AttrPK, "AUDIT#USER#"+userID, cursor, limit)
}

// ForAccount lists the events about an account, newest first.
func (l *Log) ForAccount(ctx context.Context, accountID, cursor string, limit int) (Page, error) {
	return l.list(ctx, "GSI1", "GSI1PK", "AUDIT#ACCOUNT#"+accountID, cursor, limit)
}

func (l *Log) list(ctx context.Context, index, pkName, pk, cursor string, limit int) (Page, error) {
	expr, err := expression.NewBuilder().WithKeyCondition(expression.Key(pkName).Equal(expression.Value(pk))).Build()
	if err != nil {
		return Page{}, err
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(l.Store.Table),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ScanIndexForward:          aws.Bool(false),
		Limit:                     aws.Int32(int32(limit)),
	}
	if index != "" {
		in.IndexName = aws.String(index)
	}
	if cursor != "" {
		start, err := decodeCursor(cursor, pkName, pk)
		if err != nil {
			return Page{}, err
		}
		in.ExclusiveStartKey = start
	}
	out, err := l.Store.DB.Query(ctx, in)
	if err != nil {
		return Page{}, fmt.Errorf("query audit %s: %w", pk, err)
	}
	page := Page{Events: []Event{}}
	for _, av := range out.Items {
		var it item
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return Page{}, fmt.Errorf("unmarshal audit event: %w", err)
		}
		page.Events = append(page.Events, it.Event)
	}
	if len(out.LastEvaluatedKey) > 0 {
		page.NextCursor, err = encodeCursor(out.LastEvaluatedKey)
		if err != nil {
			return Page{}, err
		}
	}
	return page, nil
}

// A cursor is the query's LastEvaluatedKey as base64url JSON of strings. It is
// opaque to clients; decoding checks it belongs to the list being read, so a
// forged cursor cannot reach another user's events.
func encodeCursor(key map[string]types.AttributeValue) (string, error) {
	m := map[string]string{}
	if err := attributevalue.UnmarshalMap(key, &m); err != nil {
		return "", fmt.Errorf("encode cursor: %w", err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

var errCursor = fault.New(fault.Invalid, "invalid_cursor", "the cursor is not one this list gave out")

func decodeCursor(cursor, pkName, pk string) (map[string]types.AttributeValue, error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) > 2048 {
		return nil, errCursor
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil || m[pkName] != pk || len(m) > 4 {
		return nil, errCursor
	}
	for k := range m {
		if k != store.AttrPK && k != store.AttrSK && k != "GSI1PK" && k != "GSI1SK" {
			return nil, errCursor
		}
	}
	av, err := attributevalue.MarshalMap(m)
	if err != nil {
		return nil, errCursor
	}
	return av, nil
}

// PageQuery reads the ?limit= (1 to 200, default 50) and ?cursor= of a
// listing request.
func PageQuery(r *http.Request) (cursor string, limit int, err error) {
	limit = 50
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 200 {
			return "", 0, fault.New(fault.Invalid, "invalid_limit", "limit must be a number from 1 to 200")
		}
		limit = n
	}
	return r.URL.Query().Get("cursor"), limit, nil
}
