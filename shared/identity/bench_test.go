package identity_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/password"
	"github.com/partner-portal/portal/shared/session"
)

// TestMeReadsTwice: GET /v1/me costs two DynamoDB calls, the session with
// the user's session epoch (one BatchGetItem) and one query of the user's
// partition (user and memberships).
func TestMeReadsTwice(t *testing.T) {
	e := newEnv(t)
	email := testenv.Email("calls")
	e.signUp(email)
	token := e.signIn(email, goodPassword)
	calls := testenv.CountCalls(e.d)
	if r := e.call("GET", "/v1/me", token, nil); r.Status != 200 {
		t.Fatalf("GET /v1/me = %d", r.Status)
	}
	if got := strings.Join(calls.Ops(), ","); got != "BatchGetItem,Query" {
		t.Errorf("GET /v1/me made %s; want BatchGetItem,Query", got)
	}
}

// BenchmarkArgon2Bare is one argon2id verification with the default
// parameters: the floor of a sign-in.
func BenchmarkArgon2Bare(b *testing.B) {
	hash, err := password.Hash(goodPassword, password.DefaultParams)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, _ := password.Verify(goodPassword, hash); !ok {
			b.Fatal("no match")
		}
	}
}

// BenchmarkSignIn is POST /v1/sessions over HTTP against DynamoDB Local:
// the argon2id verification plus its reads and writes.
func BenchmarkSignIn(b *testing.B) {
	e := newEnv(b)
	email := testenv.Email("bench")
	e.signUp(email)
	body := `{"email":"` + email + `","password":"` + goodPassword + `"}`
	for b.Loop() {
		if r := e.call(http.MethodPost, "/v1/sessions", "", body); r.Status != 201 {
			b.Fatalf("sign in = %d %s", r.Status, r.Body)
		}
	}
}

// BenchmarkMe is GET /v1/me over HTTP against DynamoDB Local.
func BenchmarkMe(b *testing.B) {
	e := newEnv(b)
	email := testenv.Email("bench")
	e.signUp(email)
	token := e.signIn(email, goodPassword)
	for b.Loop() {
		if r := e.call(http.MethodGet, "/v1/me", token, nil); r.Status != 200 {
			b.Fatalf("me = %d", r.Status)
		}
	}
}

// BenchmarkMeHandler is GET /v1/me served by the handler directly, without
// the loopback TCP hop: what a Lambda invocation runs after the adapter.
func BenchmarkMeHandler(b *testing.B) {
	e := newEnv(b)
	email := testenv.Email("bench")
	e.signUp(email)
	token := e.signIn(email, goodPassword)
	h := e.srv.Config.Handler
	req := httptest.NewRequest(http.MethodGet, "/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("me = %d", rec.Code)
		}
	}
}

// BenchmarkMeDynamoDBCalls makes the two DynamoDB calls GET /v1/me makes,
// directly: the floor BenchmarkMe is compared with.
func BenchmarkMeDynamoDBCalls(b *testing.B) {
	e := newEnv(b)
	email := testenv.Email("bench")
	id := e.signUp(email)
	token := e.signIn(email, goodPassword)
	ctx := context.Background()
	db, table := e.d.Store.DB, aws.String(e.d.Store.Table)
	for b.Loop() {
		if _, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, ConsistentRead: aws.Bool(true), Key: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "SESSION#" + session.HashToken(token)}, "SK": &types.AttributeValueMemberS{Value: "SESSION"},
		}}); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Query(ctx, &dynamodb.QueryInput{TableName: table,
			KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :a AND :b"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk": &types.AttributeValueMemberS{Value: "USER#" + id},
				":a":  &types.AttributeValueMemberS{Value: "MEMBER#"}, ":b": &types.AttributeValueMemberS{Value: "PROFILE"},
			}}); err != nil {
			b.Fatal(err)
		}
	}
}
