package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/fault"
)

// PageQuery is one page of a key-condition query: on Index (the table when
// ""), whose partition key attribute PKName must equal PK in every cursor,
// and whose sort key attribute is SKName ("" on the table: SK).
type PageQuery struct {
	Index          string
	PKName, SKName string
	PK             string
	Key            expression.KeyConditionBuilder
	Forward        bool
	Limit          int
	Cursor         string // from the previous page; "" for the first
}

// ErrCursor is a cursor that this list did not give out.
var ErrCursor = fault.New(fault.Invalid, "invalid_cursor", "the cursor is not one this list gave out")

// QueryPage reads one page of q: at most q.Limit items, and the cursor of
// the next page ("" at the end). A cursor is the query's LastEvaluatedKey as
// base64url JSON of strings, opaque to clients; decoding checks that it
// belongs to the partition being read, so a forged cursor reads nothing
// else.
func (s *Store) QueryPage(ctx context.Context, q PageQuery) ([]map[string]types.AttributeValue, string, error) {
	expr, err := expression.NewBuilder().WithKeyCondition(q.Key).Build()
	if err != nil {
		return nil, "", fmt.Errorf("build key condition: %w", err)
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.Table),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ScanIndexForward:          aws.Bool(q.Forward),
		Limit:                     aws.Int32(int32(q.Limit)),
	}
	if q.Index != "" {
		in.IndexName = aws.String(q.Index)
	}
	if q.Cursor != "" {
		if in.ExclusiveStartKey, err = q.decodeCursor(); err != nil {
			return nil, "", err
		}
	}
	out, err := s.DB.Query(ctx, in)
	if err != nil {
		return nil, "", fmt.Errorf("query %s: %w", q.PK, err)
	}
	next := ""
	if len(out.LastEvaluatedKey) > 0 {
		if next, err = encodeCursor(out.LastEvaluatedKey); err != nil {
			return nil, "", err
		}
	}
	return out.Items, next, nil
}

func encodeCursor(key map[string]types.AttributeValue) (string, error) {
	m := map[string]string{}
	if err := attributevalue.UnmarshalMap(key, &m); err != nil {
		return "", fmt.Errorf("encode cursor: %w", err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("encode cursor: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// decodeCursor is the ExclusiveStartKey of q's cursor: only the table's and
// the index's key attributes, with the partition q reads.
func (q PageQuery) decodeCursor() (map[string]types.AttributeValue, error) {
	b, err := base64.RawURLEncoding.DecodeString(q.Cursor)
	if err != nil || len(b) > 2048 {
		return nil, ErrCursor
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil || m[q.PKName] != q.PK || len(m) > 4 {
		return nil, ErrCursor
	}
	allowed := []string{AttrPK, AttrSK, q.PKName, q.SKName}
	for k := range m {
		if !slices.Contains(allowed, k) || k == "" {
			return nil, ErrCursor
		}
	}
	av, err := attributevalue.MarshalMap(m)
	if err != nil {
		return nil, ErrCursor
	}
	return av, nil
}
