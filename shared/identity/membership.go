package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/store"
)

// Membership is one account a user belongs to, as /v1/me lists it.
type Membership struct {
	OrgID       string   `dynamodbav:"orgId" json:"organizationId"`
	OrgName     string   `dynamodbav:"orgName" json:"organizationName"`
	AccountID   string   `dynamodbav:"accountId" json:"accountId"`
	AccountName string   `dynamodbav:"accountName" json:"accountName"`
	Programs    []string `dynamodbav:"programs" json:"programs"`
	Role        string   `dynamodbav:"role" json:"role"`
}

// membershipRow is a Membership as stored, in its user's partition beside
// the user item, so that /v1/me reads both in one query.
type membershipRow struct {
	store.Key
	Membership
}

// Memberships are the user side of account memberships. identity owns
// these rows and reads them for /v1/me; the accounts package, which decides
// who belongs to an account, writes them in the same transactions as the
// account side through the items below.
type Memberships struct {
	Store *store.Store
}

// Of returns every account userID belongs to (one query).
func (ms Memberships) Of(ctx context.Context, userID string) ([]Membership, error) {
	first := membershipKey(userID, "")
	var rows []membershipRow
	if err := ms.Store.Query(ctx, "", store.KeyPrefix(store.AttrPK, first.PK, store.AttrSK, first.SK), true, &rows); err != nil {
		return nil, fmt.Errorf("read memberships: %w", err)
	}
	out := make([]Membership, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.Membership)
	}
	return out, nil
}

// PutItem is the transaction item that records (or replaces) userID's
// membership m.
func (ms Memberships) PutItem(userID string, m Membership) (types.TransactWriteItem, error) {
	return store.TxPut(ms.Store.Table, membershipRow{Key: membershipKey(userID, m.AccountID), Membership: m}, nil)
}

// SetRoleItem is the transaction item that changes the role of userID's
// existing membership of accountID.
func (ms Memberships) SetRoleItem(userID, accountID, role string) (types.TransactWriteItem, error) {
	exists := expression.AttributeExists(expression.Name(store.AttrPK))
	return store.TxUpdate(ms.Store.Table, membershipKey(userID, accountID),
		expression.Set(expression.Name("role"), expression.Value(role)), &exists)
}

// DeleteItem is the transaction item that ends userID's membership of
// accountID.
func (ms Memberships) DeleteItem(userID, accountID string) (types.TransactWriteItem, error) {
	return store.TxDelete(ms.Store.Table, membershipKey(userID, accountID), nil)
}

// SetAccount copies an account's new name and programmes into userID's
// membership of it, if the membership still exists (the members' copies
// follow an admin's edit of the account).
func (ms Memberships) SetAccount(ctx context.Context, userID, accountID, name string, programs []string) error {
	exists := expression.AttributeExists(expression.Name(store.AttrPK))
	upd := expression.Set(expression.Name("accountName"), expression.Value(name)).Set(expression.Name("programs"), expression.Value(programs))
	err := ms.Store.Update(ctx, membershipKey(userID, accountID), upd, &exists, nil)
	if errors.Is(err, store.ErrConditionFailed) {
		return nil // they left meanwhile
	}
	return err
}
