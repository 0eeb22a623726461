package account

import (
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/store"
)

// CreateOwned is Create for an account that starts with its owner, whose
// membership the caller writes in the same transaction (an approved
// programme application): the owner count is one and the owner's email is
// a reminder contact from the start, as MembershipChange would have made
// them (one transaction may not write the account item twice).
func CreateOwned(table string, acc *Account, ownerEmail string) (types.TransactWriteItem, error) {
	one := 1
	acc.Key, acc.Owners, acc.Contacts = Key(acc.ID), &one, []string{ownerEmail}
	acc.GSI3PK, acc.GSI3SK = dueKey(acc.ReviewDueDate), acc.ID
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	return store.TxPut(table, acc, &notExists)
}
