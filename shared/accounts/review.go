package accounts

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/partner-portal/portal/shared/store"
)

// The account item is written here and nowhere else: the profile and the
// reminder job move its review state and due date through the operations
// below, each of which is one write (or one transaction item for the
// caller's transaction) with the condition that keeps it safe.

// Attributes of the account item that the operations below write.
const (
	attrReviewDueDate = "reviewDueDate"
	attrGSI3PK        = "GSI3PK"
)

// DueKey is the GSI3 partition of the accounts whose review falls due on
// date (YYYY-MM-DD).
func DueKey(date string) string { return "DUE#" + date }

// MoveDueDate moves the account's review due date, and its place in the
// due-date index, to next, if the due date is still acc.ReviewDueDate;
// otherwise store.ErrConditionFailed.
func MoveDueDate(ctx context.Context, st *store.Store, acc *Account, next string) error {
	upd := expression.Set(expression.Name(attrReviewDueDate), expression.Value(next)).
		Set(expression.Name(attrGSI3PK), expression.Value(DueKey(next)))
	cond := expression.Name(attrReviewDueDate).Equal(expression.Value(acc.ReviewDueDate))
	return st.Update(ctx, accountKey(acc.ID), upd, &cond, nil)
}

// DueOn reads the accounts filed under due date date in the due-date index.
// The index is eventually consistent: an account whose date just moved may
// still be listed, with its new ReviewDueDate.
func DueOn(ctx context.Context, st *store.Store, date string) ([]Account, error) {
	var accs []Account
	if err := st.Query(ctx, "GSI3", store.KeyOnly(attrGSI3PK, DueKey(date)), true, &accs); err != nil {
		return nil, err
	}
	return accs, nil
}
