package profile_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/criteria"
	"github.com/partner-portal/portal/shared/session"
)

// answered is an env whose profile has every applicable criterion answered.
func answered(t testing.TB) *env {
	e := newEnv(t)
	for _, c := range criteria.ForEntityType("importer") {
		e.must(e.save(e.user, c.ID, "yes", 0), 200)
	}
	return e
}

// TestProfileReadsThrice: GET …/profile costs three DynamoDB calls: the
// session, the account with the membership (one batch), the answers.
func TestProfileReadsThrice(t *testing.T) {
	e := answered(t)
	calls := testenv.CountCalls(e.d)
	e.must(e.call("GET", "/v1/accounts/"+e.account+"/profile", e.user, nil), 200)
	if got := strings.Join(calls.Ops(), ","); got != "BatchGetItem,BatchGetItem,Query" {
		t.Errorf("GET profile made %s; want BatchGetItem,BatchGetItem,Query", got)
	}
}

// BenchmarkProfileHandler is GET …/profile of a fully answered importer
// profile, served by the handler (no TCP hop), against DynamoDB Local.
func BenchmarkProfileHandler(b *testing.B) {
	e := answered(b)
	h := portalHandler(e)
	req := httptest.NewRequest(http.MethodGet, "/v1/accounts/"+e.account+"/profile", nil)
	req.Header.Set("Authorization", "Bearer "+e.user)
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkProfileDynamoDBCalls makes the three calls GET …/profile needs,
// directly: the floor the handler is compared with.
func BenchmarkProfileDynamoDBCalls(b *testing.B) {
	e := answered(b)
	ctx := context.Background()
	db, table := e.d.Store.DB, aws.String(e.d.Store.Table)
	key := func(pk, sk string) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: sk}}
	}
	sess, err := e.d.Sessions.Authenticate(ctx, e.user)
	if err != nil {
		b.Fatal(err)
	}
	q, err := expression.NewBuilder().WithKeyCondition(expression.Key("PK").Equal(expression.Value("ACCOUNT#" + e.account)).
		And(expression.Key("SK").BeginsWith("CRIT#"))).Build()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, ConsistentRead: aws.Bool(true),
			Key: key("SESSION#"+session.HashToken(e.user), "SESSION")}); err != nil {
			b.Fatal(err)
		}
		if _, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
			e.d.Store.Table: {ConsistentRead: aws.Bool(true), Keys: []map[string]types.AttributeValue{
				key("ACCOUNT#"+e.account, "ACCOUNT"), key("ACCOUNT#"+e.account, "MEMBER#"+sess.UserID)}}}}); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Query(ctx, &dynamodb.QueryInput{TableName: table, KeyConditionExpression: q.KeyCondition(),
			ExpressionAttributeNames: q.Names(), ExpressionAttributeValues: q.Values()}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvidenceURL is GET …/evidence/{id}: authorise, read the evidence
// item, presign a download link (no call to S3: signing is local).
func BenchmarkEvidenceURL(b *testing.B) {
	e := newEnv(b)
	r := e.call("POST", "/v1/accounts/"+e.account+"/profile/criteria/vision.1/evidence", e.user,
		map[string]any{"fileName": "a.txt", "contentType": "text/plain", "size": 5})
	id := r.JSON()["evidenceId"].(string)
	upload := r.JSON()["upload"].(map[string]any)
	if status, body := postTB(b, upload, []byte("hello")); status != 204 {
		b.Fatalf("upload %d %s", status, body)
	}
	e.must(e.call("POST", "/v1/accounts/"+e.account+"/profile/criteria/vision.1/evidence/"+id+"/complete", e.user, nil), 200)
	h := portalHandler(e)
	req := httptest.NewRequest(http.MethodGet, "/v1/accounts/"+e.account+"/profile/criteria/vision.1/evidence/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+e.user)
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
