package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Update applies upd to the item at key if cond (when non-nil) holds, and
// unmarshals the item's attributes after the update into out (when non-nil).
// A failed condition is ErrConditionFailed.
func (s *Store) Update(ctx context.Context, key Key, upd expression.UpdateBuilder, cond *expression.ConditionBuilder, out any) error {
	b := expression.NewBuilder().WithUpdate(upd)
	if cond != nil {
		b = b.WithCondition(*cond)
	}
	expr, err := b.Build()
	if err != nil {
		return fmt.Errorf("build update: %w", err)
	}
	in := &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.Table),
		Key:                       keyAV(key),
		UpdateExpression:          expr.Update(),
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	}
	if out != nil {
		in.ReturnValues = types.ReturnValueAllNew
	}
	res, err := s.DB.UpdateItem(ctx, in)
	if err != nil {
		return conditionErr(fmt.Errorf("update %s/%s: %w", key.PK, key.SK, err))
	}
	if out != nil {
		if err := attributevalue.UnmarshalMap(res.Attributes, out); err != nil {
			return fmt.Errorf("unmarshal %s/%s: %w", key.PK, key.SK, err)
		}
	}
	return nil
}

// Delete removes the item at key (if cond, when non-nil, holds).
func (s *Store) Delete(ctx context.Context, key Key, cond *expression.ConditionBuilder) error {
	in := &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: keyAV(key)}
	var err error
	if in.ConditionExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues, err = condition(cond); err != nil {
		return err
	}
	if _, err := s.DB.DeleteItem(ctx, in); err != nil {
		return conditionErr(fmt.Errorf("delete %s/%s: %w", key.PK, key.SK, err))
	}
	return nil
}

// TxPut is a put for Transact: item (with its key) written if Cond holds.
func TxPut(table string, item any, cond *expression.ConditionBuilder) (types.TransactWriteItem, error) {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("marshal item: %w", err)
	}
	p := &types.Put{TableName: aws.String(table), Item: av}
	if p.ConditionExpression, p.ExpressionAttributeNames, p.ExpressionAttributeValues, err = condition(cond); err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Put: p}, nil
}

// TxDelete is a delete for Transact (if Cond, when non-nil, holds).
func TxDelete(table string, key Key, cond *expression.ConditionBuilder) (types.TransactWriteItem, error) {
	d := &types.Delete{TableName: aws.String(table), Key: keyAV(key)}
	var err error
	if d.ConditionExpression, d.ExpressionAttributeNames, d.ExpressionAttributeValues, err = condition(cond); err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Delete: d}, nil
}

// TxUpdate is an update for Transact (if Cond, when non-nil, holds).
func TxUpdate(table string, key Key, upd expression.UpdateBuilder, cond *expression.ConditionBuilder) (types.TransactWriteItem, error) {
	b := expression.NewBuilder().WithUpdate(upd)
	if cond != nil {
		b = b.WithCondition(*cond)
	}
	expr, err := b.Build()
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("build update: %w", err)
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(table), Key: keyAV(key), UpdateExpression: expr.Update(),
		ConditionExpression: expr.Condition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
	}}, nil
}

// TxCheck is a condition on an item that Transact checks without writing it:
// the transaction happens only if cond holds.
func TxCheck(table string, key Key, cond expression.ConditionBuilder) (types.TransactWriteItem, error) {
	c := &types.ConditionCheck{TableName: aws.String(table), Key: keyAV(key)}
	var err error
	if c.ConditionExpression, c.ExpressionAttributeNames, c.ExpressionAttributeValues, err = condition(&cond); err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{ConditionCheck: c}, nil
}

// TxError is a cancelled transaction; Reasons holds each item's cancellation
// code ("None", "ConditionalCheckFailed", …) in request order.
type TxError struct {
	Reasons []string
	Err     error
}

func (e *TxError) Error() string {
	return fmt.Sprintf("transaction cancelled %v: %v", e.Reasons, e.Err)
}
func (e *TxError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrConditionFailed) true when any item's condition
// failed.
func (e *TxError) Is(target error) bool {
	if target != ErrConditionFailed {
		return false
	}
	for _, r := range e.Reasons {
		if r == "ConditionalCheckFailed" {
			return true
		}
	}
	return false
}

// FailedAt reports whether item i of the transaction failed its condition.
func (e *TxError) FailedAt(i int) bool {
	return i < len(e.Reasons) && e.Reasons[i] == "ConditionalCheckFailed"
}

// Transact writes items atomically. A transaction that lost a race with
// another (TransactionConflict) is retried a few times before giving up; a
// failed condition comes back as a *TxError.
func (s *Store) Transact(ctx context.Context, items []types.TransactWriteItem) error {
	var last error
	for attempt := range 5 {
		_, err := s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil {
			return nil
		}
		var tce *types.TransactionCanceledException
		if !errors.As(err, &tce) {
			return fmt.Errorf("transact: %w", err)
		}
		te := &TxError{Err: err}
		conflict := false
		for _, r := range tce.CancellationReasons {
			code := aws.ToString(r.Code)
			te.Reasons = append(te.Reasons, code)
			conflict = conflict || code == "TransactionConflict"
		}
		if !conflict || errors.Is(te, ErrConditionFailed) {
			return te
		}
		last = te
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(10*(attempt+1)) * time.Millisecond):
		}
	}
	return last
}

// Query runs a key-condition query (on index, or the table when index is
// "") and unmarshals every item into out, a pointer to a slice. It follows
// pages until the end.
func (s *Store) Query(ctx context.Context, index string, key expression.KeyConditionBuilder, forward bool, out any) error {
	items, err := s.QueryItems(ctx, index, key, forward)
	if err != nil {
		return err
	}
	if err := attributevalue.UnmarshalListOfMaps(items, out); err != nil {
		return fmt.Errorf("unmarshal query result: %w", err)
	}
	return nil
}

// QueryItems is Query returning the raw items, for partitions that hold
// items of several shapes.
func (s *Store) QueryItems(ctx context.Context, index string, key expression.KeyConditionBuilder, forward bool) ([]map[string]types.AttributeValue, error) {
	return s.queryItems(ctx, index, key, forward, false)
}

// QueryItemsConsistent is QueryItems on the table, strongly consistent.
func (s *Store) QueryItemsConsistent(ctx context.Context, key expression.KeyConditionBuilder) ([]map[string]types.AttributeValue, error) {
	return s.queryItems(ctx, "", key, true, true)
}

func (s *Store) queryItems(ctx context.Context, index string, key expression.KeyConditionBuilder, forward, consistent bool) ([]map[string]types.AttributeValue, error) {
	expr, err := expression.NewBuilder().WithKeyCondition(key).Build()
	if err != nil {
		return nil, fmt.Errorf("build key condition: %w", err)
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.Table),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ScanIndexForward:          aws.Bool(forward),
		ConsistentRead:            aws.Bool(consistent),
	}
	if index != "" {
		in.IndexName = aws.String(index)
	}
	var items []map[string]types.AttributeValue
	p := dynamodb.NewQueryPaginator(s.DB, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("query: %w", err)
		}
		items = append(items, page.Items...)
	}
	return items, nil
}

// KeyOnly is a key condition on the partition key alone.
func KeyOnly(name, value string) expression.KeyConditionBuilder {
	return expression.Key(name).Equal(expression.Value(value))
}

// KeyPrefix is a key condition on a partition key and a sort-key prefix.
func KeyPrefix(pkName, pk, skName, prefix string) expression.KeyConditionBuilder {
	return expression.Key(pkName).Equal(expression.Value(pk)).And(expression.Key(skName).BeginsWith(prefix))
}

// KeyBetween is a key condition on a partition key and a sort-key range.
func KeyBetween(pkName, pk, skName, from, to string) expression.KeyConditionBuilder {
	return expression.Key(pkName).Equal(expression.Value(pk)).And(expression.Key(skName).Between(expression.Value(from), expression.Value(to)))
}

// BatchGet reads the items at keys (at most 100) in one BatchGetItem,
// strongly consistent, retrying what DynamoDB leaves unprocessed. Missing
// items are simply absent from the result.
func (s *Store) BatchGet(ctx context.Context, keys []Key) ([]map[string]types.AttributeValue, error) {
	req := make([]map[string]types.AttributeValue, 0, len(keys))
	for _, k := range keys {
		req = append(req, keyAV(k))
	}
	in := &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		s.Table: {Keys: req, ConsistentRead: aws.Bool(true)},
	}}
	var out []map[string]types.AttributeValue
	for attempt := 0; len(in.RequestItems) > 0; attempt++ {
		if attempt == 5 {
			return nil, fmt.Errorf("batch get: keys left unprocessed after %d attempts", attempt)
		}
		res, err := s.DB.BatchGetItem(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("batch get: %w", err)
		}
		out = append(out, res.Responses[s.Table]...)
		in.RequestItems = res.UnprocessedKeys
	}
	return out, nil
}
