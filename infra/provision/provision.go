// Package provision creates the portal's table and evidence bucket on the
// local stack from what template.yaml declares: keys, indexes, TTL, bucket
// versioning and CORS. Settings the local services cannot hold (point-in-time
// recovery, SSE, public access block) are left to the real deployment.
package provision

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/partner-portal/portal/infra/samtemplate"
)

// Logical ids of the table and bucket in template.yaml.
const (
	TableID  = "Table"
	BucketID = "EvidenceBucket"
)

// CreateTableInput turns the template's table into a CreateTable request for
// a table called name.
func CreateTableInput(tb *samtemplate.Table, name string) *dynamodb.CreateTableInput {
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: ddbtypes.BillingMode(tb.BillingMode),
		KeySchema:   keySchema(tb.KeySchema),
	}
	for _, a := range tb.AttributeDefinitions {
		in.AttributeDefinitions = append(in.AttributeDefinitions, ddbtypes.AttributeDefinition{
			AttributeName: aws.String(a.AttributeName),
			AttributeType: ddbtypes.ScalarAttributeType(a.AttributeType),
		})
	}
	for _, g := range tb.GlobalSecondaryIndexes {
		p := &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionType(g.Projection.ProjectionType)}
		if len(g.Projection.NonKeyAttributes) > 0 {
			p.NonKeyAttributes = g.Projection.NonKeyAttributes
		}
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, ddbtypes.GlobalSecondaryIndex{
			IndexName:  aws.String(g.IndexName),
			KeySchema:  keySchema(g.KeySchema),
			Projection: p,
		})
	}
	return in
}

func keySchema(ks []samtemplate.KeyElement) []ddbtypes.KeySchemaElement {
	var out []ddbtypes.KeySchemaElement
	for _, k := range ks {
		out = append(out, ddbtypes.KeySchemaElement{AttributeName: aws.String(k.AttributeName), KeyType: ddbtypes.KeyType(k.KeyType)})
	}
	return out
}

// Table creates the table called name as the template declares it, with its
// TTL attribute; an existing table of that name is left as it is.
func Table(ctx context.Context, db *dynamodb.Client, tpl *samtemplate.Template, name string) error {
	tb, err := tpl.Table(TableID)
	if err != nil {
		return err
	}
	if _, err := db.CreateTable(ctx, CreateTableInput(tb, name)); err != nil {
		var inUse *ddbtypes.ResourceInUseException
		if errors.As(err, &inUse) {
			return nil
		}
		return fmt.Errorf("create table %s: %w", name, err)
	}
	if err := dynamodb.NewTableExistsWaiter(db).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 30e9); err != nil {
		return fmt.Errorf("wait for table %s: %w", name, err)
	}
	if ttl := tb.TimeToLiveSpecification; ttl.Enabled {
		if _, err := db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
			TableName: aws.String(name),
			TimeToLiveSpecification: &ddbtypes.TimeToLiveSpecification{
				AttributeName: aws.String(ttl.AttributeName), Enabled: aws.Bool(true),
			},
		}, func(o *dynamodb.Options) {
			// DynamoDB Local sends a wrong CRC32 with this one answer.
			o.DisableValidateResponseChecksum = true
		}); err != nil {
			return fmt.Errorf("enable ttl on %s: %w", name, err)
		}
	}
	return nil
}

// Bucket creates the bucket called name with the template's versioning and
// CORS rules; an existing bucket is brought up to date.
func Bucket(ctx context.Context, c *s3.Client, tpl *samtemplate.Template, name string) error {
	b, err := tpl.Bucket(BucketID)
	if err != nil {
		return err
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		var owned *s3types.BucketAlreadyOwnedByYou
		if !errors.As(err, &owned) {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	if b.VersioningConfiguration.Status != "" {
		if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
			Bucket:                  aws.String(name),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatus(b.VersioningConfiguration.Status)},
		}); err != nil {
			return fmt.Errorf("bucket %s versioning: %w", name, err)
		}
	}
	if rules := b.CorsConfiguration.CorsRules; len(rules) > 0 {
		cfg := &s3types.CORSConfiguration{}
		for _, r := range rules {
			cfg.CORSRules = append(cfg.CORSRules, s3types.CORSRule{
				AllowedMethods: r.AllowedMethods, AllowedOrigins: r.AllowedOrigins,
				AllowedHeaders: r.AllowedHeaders, ExposeHeaders: r.ExposedHeaders, MaxAgeSeconds: aws.Int32(r.MaxAge),
			})
		}
		_, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String(name), CORSConfiguration: cfg})
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) && apiErr.ErrorCode() == "NotImplemented" {
			// MinIO takes CORS from MINIO_API_CORS_ALLOW_ORIGIN instead, which
			// the local stack sets from these same rules (CORSOrigins).
			err = nil
		}
		if err != nil {
			return fmt.Errorf("bucket %s cors: %w", name, err)
		}
	}
	return nil
}

// CORSOrigins returns the origins the bucket's CORS rules allow, for MinIO's
// server-wide setting.
func CORSOrigins(tpl *samtemplate.Template) ([]string, error) {
	b, err := tpl.Bucket(BucketID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range b.CorsConfiguration.CorsRules {
		out = append(out, r.AllowedOrigins...)
	}
	return out, nil
}
