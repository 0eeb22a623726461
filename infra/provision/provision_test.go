package provision_test

import (
	"context"
	"net/http"
	"os"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/partner-portal/portal/infra/provision"
	"github.com/partner-portal/portal/infra/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestTableFollowsTemplate: the table on DynamoDB Local has exactly the keys,
// indexes and TTL template.yaml declares.
func TestTableFollowsTemplate(t *testing.T) {
	ctx := context.Background()
	d := testenv.Deps(t)
	tpl, err := testenv.Template()
	if err != nil {
		t.Fatal(err)
	}
	want, err := tpl.Table(provision.TableID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Store.DB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(d.Store.Table)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got.Table.KeySchema); n != 2 || *got.Table.KeySchema[0].AttributeName != want.KeySchema[0].AttributeName {
		t.Errorf("key schema = %+v; want %+v", got.Table.KeySchema, want.KeySchema)
	}
	var gotIdx, wantIdx []string
	for _, g := range got.Table.GlobalSecondaryIndexes {
		gotIdx = append(gotIdx, *g.IndexName+":"+*g.KeySchema[0].AttributeName+"/"+*g.KeySchema[1].AttributeName+":"+string(g.Projection.ProjectionType))
	}
	for _, g := range want.GlobalSecondaryIndexes {
		wantIdx = append(wantIdx, g.IndexName+":"+g.KeySchema[0].AttributeName+"/"+g.KeySchema[1].AttributeName+":"+g.Projection.ProjectionType)
	}
	slices.Sort(gotIdx)
	slices.Sort(wantIdx)
	if !slices.Equal(gotIdx, wantIdx) || len(wantIdx) == 0 {
		t.Errorf("indexes = %v; want %v", gotIdx, wantIdx)
	}
	ttl, err := d.Store.DB.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(d.Store.Table)})
	if err != nil {
		t.Fatal(err)
	}
	if a := ttl.TimeToLiveDescription.AttributeName; a == nil || *a != want.TimeToLiveSpecification.AttributeName {
		t.Errorf("TTL attribute = %v; want %s", a, want.TimeToLiveSpecification.AttributeName)
	}
	// Creating it again is harmless (make run restarts on an existing stack).
	if err := provision.Table(ctx, d.Store.DB, tpl, d.Store.Table); err != nil {
		t.Errorf("second Table() = %v", err)
	}
}

// TestBucketFollowsTemplate: the MinIO bucket is versioned and answers a
// browser's CORS preflight from the portal's origin, not from another.
func TestBucketFollowsTemplate(t *testing.T) {
	ctx := context.Background()
	d := testenv.Deps(t)
	v, err := d.S3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(d.Config.BucketName)})
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != "Enabled" {
		t.Errorf("versioning = %q; want Enabled", v.Status)
	}
	tpl, err := testenv.Template()
	if err != nil {
		t.Fatal(err)
	}
	if err := provision.Bucket(ctx, d.S3, tpl, d.Config.BucketName); err != nil {
		t.Errorf("second Bucket() = %v", err)
	}

	preflight := func(origin string) string {
		req, _ := http.NewRequest(http.MethodOptions, os.Getenv("AWS_ENDPOINT_URL_S3")+"/"+d.Config.BucketName+"/", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.Header.Get("Access-Control-Allow-Origin")
	}
	if got := preflight(testenv.PortalURL); got != testenv.PortalURL {
		t.Errorf("preflight from the portal: Access-Control-Allow-Origin = %q; want %q", got, testenv.PortalURL)
	}
	if got := preflight("https://evil.example"); got != "" {
		t.Errorf("preflight from another origin: Access-Control-Allow-Origin = %q; want none", got)
	}
}
