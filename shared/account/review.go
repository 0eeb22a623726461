package account

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/store"
)

// The profile and the reminder job move the account's review state and due
// date through the operations below, each of which is one write (or one
// transaction item for the caller's transaction) with the condition that
// keeps it safe. The profile statuses themselves are the profile's words:
// they come in as arguments.

// submittedKey is the GSI1 partition of every account waiting for review.
const submittedKey = "REVIEWS#submitted"

// dueKey is the GSI3 partition of the accounts whose review falls due on
// date (YYYY-MM-DD).
func dueKey(date string) string { return "DUE#" + date }

// queueKey is the GSI2 partition of a specialist's review queue, or of the
// shared pool when specialistID is empty.
func queueKey(specialistID string) string {
	if specialistID == "" {
		return "QUEUE#POOL"
	}
	return "QUEUE#" + specialistID
}

// SubmitForReview is the transaction item that sets the account's profile
// status to submitted and puts it in the review queues (the admin's, and its
// specialist's or the shared pool) as of at. Its condition refuses an account
// whose status is already submitted, so a profile is submitted once, and
// one whose specialist changed since acc was read.
func SubmitForReview(st *store.Store, acc *Account, submitted string, at time.Time) (types.TransactWriteItem, error) {
	sortKey := at.Format(time.RFC3339Nano) + "#" + acc.ID
	upd := expression.Set(expression.Name(attrProfileStatus), expression.Value(submitted)).
		Set(expression.Name(attrSubmittedAt), expression.Value(at)).
		Set(expression.Name(attrGSI1PK), expression.Value(submittedKey)).
		Set(expression.Name(attrGSI1SK), expression.Value(sortKey)).
		Set(expression.Name(attrGSI2PK), expression.Value(queueKey(acc.SpecialistID))).
		Set(expression.Name(attrGSI2SK), expression.Value(sortKey))
	cond := expression.Or(expression.AttributeNotExists(expression.Name(attrProfileStatus)),
		expression.Name(attrProfileStatus).NotEqual(expression.Value(submitted))).
		And(asRead(attrSpecialistID, acc.SpecialistID)) // a reassignment since the read would file it in the wrong queue
	return store.TxUpdate(st.Table, Key(acc.ID), upd, &cond)
}

// CloseReview takes the account out of the review queues with the profile
// status outcome, if its status is still submitted; otherwise (another
// reviewer closed it) store.ErrConditionFailed.
func CloseReview(ctx context.Context, st *store.Store, accountID, submitted, outcome string) error {
	upd := expression.Set(expression.Name(attrProfileStatus), expression.Value(outcome)).
		Remove(expression.Name(attrGSI1PK)).Remove(expression.Name(attrGSI1SK)).
		Remove(expression.Name(attrGSI2PK)).Remove(expression.Name(attrGSI2SK))
	cond := expression.Name(attrProfileStatus).Equal(expression.Value(submitted))
	return st.Update(ctx, Key(accountID), upd, &cond, nil)
}

// StartCycle is the transaction item that opens review cycle n: the profile
// status goes from `from` to `to`, on the condition that it is `from`.
func StartCycle(st *store.Store, accountID, from, to string, n int) (types.TransactWriteItem, error) {
	cond := expression.Name(attrProfileStatus).Equal(expression.Value(from))
	upd := expression.Set(expression.Name(attrProfileStatus), expression.Value(to)).
		Set(expression.Name(attrCycle), expression.Value(n))
	return store.TxUpdate(st.Table, Key(accountID), upd, &cond)
}

// DueOn reads the accounts filed under due date date in the due-date index.
// The index is eventually consistent: an account whose date just moved may
// still be listed, with its new ReviewDueDate.
func DueOn(ctx context.Context, st *store.Store, date string) ([]Account, error) {
	var accs []Account
	if err := st.Query(ctx, "GSI3", store.KeyOnly(attrGSI3PK, dueKey(date)), true, &accs); err != nil {
		return nil, err
	}
	return accs, nil
}

// Submitted reads every account waiting for review, oldest first.
func Submitted(ctx context.Context, st *store.Store) ([]Account, error) {
	var accs []Account
	if err := st.Query(ctx, "GSI1", store.KeyOnly(attrGSI1PK, submittedKey), true, &accs); err != nil {
		return nil, err
	}
	return accs, nil
}

// InQueue reads the accounts waiting in a specialist's review queue, or in
// the shared pool when specialistID is empty, oldest first.
func InQueue(ctx context.Context, st *store.Store, specialistID string) ([]Account, error) {
	var accs []Account
	if err := st.Query(ctx, "GSI2", store.KeyOnly(attrGSI2PK, queueKey(specialistID)), true, &accs); err != nil {
		return nil, err
	}
	return accs, nil
}
