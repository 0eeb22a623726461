package account

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/nameindex"
	"github.com/partner-portal/portal/shared/store"
)

// directory is the name-index partition of every account.
const directory = "NAMES#ACCOUNT"

// Named reads one page of the accounts whose folded name starts with
// prefix (every account when it is empty), in name order: the staff's
// directory.
func Named(ctx context.Context, st *store.Store, prefix string, limit int, cursor string) ([]Account, string, error) {
	items, next, err := nameindex.Query(ctx, st, directory, prefix, limit, cursor)
	if err != nil {
		return nil, "", err
	}
	accs := make([]Account, 0, len(items))
	if err := attributevalue.UnmarshalListOfMaps(items, &accs); err != nil {
		return nil, "", fmt.Errorf("unmarshal accounts: %w", err)
	}
	return accs, next, nil
}

// Changes are an admin's edit of an account: each field nil (Programs
// empty) when it stays as it is.
type Changes struct {
	Name, EntityType, ReviewDueDate *string
	Programs                        []string
}

// Apply returns acc with ch applied.
func (ch Changes) Apply(acc Account) Account {
	if ch.Name != nil {
		acc.Name = *ch.Name
	}
	if ch.EntityType != nil {
		acc.EntityType = *ch.EntityType
	}
	if ch.ReviewDueDate != nil {
		acc.ReviewDueDate = *ch.ReviewDueDate
	}
	if len(ch.Programs) > 0 {
		acc.Programs = slices.Clone(ch.Programs)
	}
	return acc
}

// Edit is the transaction item that applies ch to acc, on the condition
// that every field it changes still holds the value acc was read with: of
// two concurrent edits of a field, the second fails
// (store.ErrConditionFailed), and nothing is lost. A new due date moves the
// account in the due-date index, and a new name in the name index, in the
// same write.
func Edit(table string, acc *Account, ch Changes) (types.TransactWriteItem, error) {
	cond := expression.AttributeExists(expression.Name(store.AttrPK))
	upd := expression.UpdateBuilder{}
	set := func(attr string, old, next any) {
		cond = cond.And(expression.Name(attr).Equal(expression.Value(old)))
		upd = upd.Set(expression.Name(attr), expression.Value(next))
	}
	if ch.Name != nil {
		set(attrName, acc.Name, *ch.Name)
		upd = nameindex.Move(upd, nameindex.For(directory, *ch.Name, acc.ID))
	}
	if ch.EntityType != nil {
		set(attrEntityType, acc.EntityType, *ch.EntityType)
	}
	if len(ch.Programs) > 0 {
		set(attrPrograms, acc.Programs, ch.Programs)
	}
	if ch.ReviewDueDate != nil {
		set(attrReviewDueDate, acc.ReviewDueDate, *ch.ReviewDueDate)
		upd = upd.Set(expression.Name(attrGSI3PK), expression.Value(dueKey(*ch.ReviewDueDate)))
	}
	return store.TxUpdate(table, Key(acc.ID), upd, &cond)
}

// AssignSpecialist is the transaction item that assigns acc to the
// specialist specialistID, or to the shared pool when it is empty, on the
// condition that its specialist and its place in the review queues are
// still as acc was read with. While the profile waits for review, its
// queue entry moves to the new specialist's queue (or the pool's) in the
// same write.
func AssignSpecialist(table string, acc *Account, specialistID string) (types.TransactWriteItem, error) {
	cond := expression.AttributeExists(expression.Name(store.AttrPK)).
		And(asRead(attrSpecialistID, acc.SpecialistID)).And(asRead(attrGSI2PK, acc.QueueKey))
	var upd expression.UpdateBuilder
	if specialistID == "" {
		upd = upd.Remove(expression.Name(attrSpecialistID))
	} else {
		upd = upd.Set(expression.Name(attrSpecialistID), expression.Value(specialistID))
	}
	if acc.QueueKey != "" {
		upd = upd.Set(expression.Name(attrGSI2PK), expression.Value(queueKey(specialistID)))
	}
	return store.TxUpdate(table, Key(acc.ID), upd, &cond)
}

// asRead is the condition that attr holds v, or is absent when v is empty.
func asRead(attr, v string) expression.ConditionBuilder {
	if v == "" {
		return expression.AttributeNotExists(expression.Name(attr))
	}
	return expression.Name(attr).Equal(expression.Value(v))
}
