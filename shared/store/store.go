// Package store is the portal's one DynamoDB table. Domain packages keep their
// own item shapes and key layouts (see docs/data-model.md) and reach the table
// through a Store; reads are GetItem and Query only, never Scan.
package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Key attribute names of the table, as template.yaml declares them.
const (
	AttrPK = "PK"
	AttrSK = "SK"
)

// Key is the primary key of an item. It never appears in API answers.
type Key struct {
	PK string `dynamodbav:"PK" json:"-"`
	SK string `dynamodbav:"SK" json:"-"`
}

// Store holds the DynamoDB client and the table name.
type Store struct {
	DB    *dynamodb.Client
	Table string
}

// New returns a Store for table.
func New(db *dynamodb.Client, table string) *Store {
	return &Store{DB: db, Table: table}
}

// ErrConditionFailed reports a conditional write whose condition did not hold.
var ErrConditionFailed = errors.New("condition failed")

// Ping checks that the table answers, with one small GetItem.
func (s *Store) Ping(ctx context.Context) error {
	_, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.Table),
		Key:       keyAV(Key{PK: "HEALTH", SK: "HEALTH"}),
	})
	if err != nil {
		return fmt.Errorf("ping table %s: %w", s.Table, err)
	}
	return nil
}

// Get reads the item at key into out, strongly consistent; found is false
// when there is none.
func (s *Store) Get(ctx context.Context, key Key, out any) (found bool, err error) {
	return s.get(ctx, key, out, true)
}

// GetImmutable is Get for items that never change once written (an email
// claim, an approved version): an eventually consistent read, half the cost.
func (s *Store) GetImmutable(ctx context.Context, key Key, out any) (found bool, err error) {
	return s.get(ctx, key, out, false)
}

func (s *Store) get(ctx context.Context, key Key, out any, consistent bool) (found bool, err error) {
	res, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.Table),
		Key:            keyAV(key),
		ConsistentRead: aws.Bool(consistent),
	})
	if err != nil {
		return false, fmt.Errorf("get %s/%s: %w", key.PK, key.SK, err)
	}
	if res.Item == nil {
		return false, nil
	}
	if err := attributevalue.UnmarshalMap(res.Item, out); err != nil {
		return false, fmt.Errorf("unmarshal %s/%s: %w", key.PK, key.SK, err)
	}
	return true, nil
}

// Put writes item, which must carry its PK and SK. With a non-nil condition
// the write happens only if it holds; otherwise ErrConditionFailed.
func (s *Store) Put(ctx context.Context, item any, cond *expression.ConditionBuilder) error {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return fmt.Errorf("marshal item: %w", err)
	}
	in := &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: av}
	if in.ConditionExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues, err = condition(cond); err != nil {
		return err
	}
	if _, err := s.DB.PutItem(ctx, in); err != nil {
		return conditionErr(fmt.Errorf("put %v/%v: %w", av[AttrPK], av[AttrSK], err))
	}
	return nil
}

// condition builds the parts of a condition expression; all nil without one.
func condition(cond *expression.ConditionBuilder) (*string, map[string]string, map[string]types.AttributeValue, error) {
	if cond == nil {
		return nil, nil, nil, nil
	}
	expr, err := expression.NewBuilder().WithCondition(*cond).Build()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("build condition: %w", err)
	}
	return expr.Condition(), expr.Names(), expr.Values(), nil
}

// conditionErr turns a failed condition into ErrConditionFailed, keeping the
// context of err.
func conditionErr(err error) error {
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return fmt.Errorf("%w: %w", ErrConditionFailed, err)
	}
	return err
}

func keyAV(k Key) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		AttrPK: &types.AttributeValueMemberS{Value: k.PK},
		AttrSK: &types.AttributeValueMemberS{Value: k.SK},
	}
}

// NewID returns a fresh random id for a new item (128 bits from crypto/rand,
// hex): users, organisations, accounts, evidence, freezes and announcements
// are all named this way.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
