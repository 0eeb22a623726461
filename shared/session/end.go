package session

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/store"
)

// EndAllItem is the transaction item that ends every session of the user
// at once, for an action whose own transaction must end them as it lands (a
// staff role changed or removed: a session carries the role it was made
// with). It raises the epoch; Tidy deletes the session items afterwards.
func (s *Service) EndAllItem(userID string) (types.TransactWriteItem, error) {
	return store.TxUpdate(s.Store.Table, epochKey(userID), expression.Add(expression.Name("epoch"), expression.Value(1)), nil)
}

// Tidy deletes the session items of a user whose epoch EndAllItem raised.
// They no longer work whether or not it runs.
func (s *Service) Tidy(ctx context.Context, userID string) error {
	return s.deleteAll(ctx, userID, "")
}
