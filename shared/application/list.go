package application

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/store"
)

// Page is one page of applications and the cursor of the next ("" at the
// end).
type Page struct {
	Applications []Application `json:"applications"`
	NextCursor   string        `json:"nextCursor,omitempty"`
}

// The GSI1 key attributes an application carries while it is listed.
const (
	attrGSI1PK = "GSI1PK"
	attrGSI1SK = "GSI1SK"
)

// List pages through the applications with the status (admins): pending
// ones oldest first (the queue to decide), decided ones newest decision
// first; limit at a time, after cursor (from a previous Page). One Query of
// GSI1 per page, never a Scan.
func (s *Service) List(ctx context.Context, p accounts.Principal, status, cursor string, limit int) (Page, error) {
	if err := accounts.Decide(p, accounts.Administer, true, ""); err != nil {
		return Page{}, err
	}
	pk := statusKey(status)
	expr, err := expression.NewBuilder().WithKeyCondition(expression.Key(attrGSI1PK).Equal(expression.Value(pk))).Build()
	if err != nil {
		return Page{}, err
	}
	in := &dynamodb.QueryInput{
		TableName: aws.String(s.Store.Table), IndexName: aws.String("GSI1"),
		KeyConditionExpression: expr.KeyCondition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		ScanIndexForward: aws.Bool(status == Pending), Limit: aws.Int32(int32(limit)),
	}
	if cursor != "" {
		if in.ExclusiveStartKey, err = decodeCursor(cursor, pk); err != nil {
			return Page{}, err
		}
	}
	out, err := s.Store.DB.Query(ctx, in)
	if err != nil {
		return Page{}, fmt.Errorf("list applications: %w", err)
	}
	page := Page{Applications: make([]Application, 0, len(out.Items))}
	for _, item := range out.Items {
		var app Application
		if err := unmarshal(item, &app); err != nil {
			return Page{}, err
		}
		page.Applications = append(page.Applications, app)
	}
	if len(out.LastEvaluatedKey) > 0 {
		page.NextCursor, err = encodeCursor(out.LastEvaluatedKey)
	}
	return page, err
}

// A cursor is the query's LastEvaluatedKey as base64url JSON of its four
// strings. Clients treat it as opaque; decoding checks it belongs to the
// status being listed and names only the key attributes.
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

var errCursor = fault.New(fault.Invalid, "invalid_cursor", "the cursor is not one this list gave out")

func decodeCursor(cursor, pk string) (map[string]types.AttributeValue, error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) > 2048 {
		return nil, errCursor
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil || len(m) != 4 || m[attrGSI1PK] != pk {
		return nil, errCursor
	}
	for _, k := range []string{store.AttrPK, store.AttrSK, attrGSI1SK} {
		if m[k] == "" {
			return nil, errCursor
		}
	}
	av, err := attributevalue.MarshalMap(m)
	if err != nil {
		return nil, errCursor
	}
	return av, nil
}

func unmarshal(item map[string]types.AttributeValue, out any) error {
	if err := attributevalue.UnmarshalMap(item, out); err != nil {
		return fmt.Errorf("unmarshal application: %w", err)
	}
	return nil
}
