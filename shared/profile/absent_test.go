package profile

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestAbsent: the errors the real S3 client returns for S3's answers to
// HeadObject and GetObject. A 403 (what S3 answers for a missing key to a
// caller without s3:ListBucket) and a 404 mean the upload is not there;
// anything else is a fault.
func TestAbsent(t *testing.T) {
	for _, tt := range []struct {
		status int
		code   string
		want   bool
	}{
		{http.StatusForbidden, "AccessDenied", true},
		{http.StatusNotFound, "NoSuchKey", true},
		{http.StatusNotFound, "NoSuchVersion", true},
		{http.StatusInternalServerError, "InternalError", false},
		{http.StatusPreconditionFailed, "PreconditionFailed", false},
		{http.StatusBadRequest, "InvalidRequest", false},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(tt.status)
			if r.Method != http.MethodHead {
				w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>` + tt.code + `</Code><Message>m</Message></Error>`))
			}
		}))
		c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
			Credentials: aws.AnonymousCredentials{}, Retryer: aws.NopRetryer{}})
		ctx := context.Background()
		_, headErr := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("b"), Key: aws.String("evidence/a/c/i")})
		_, getErr := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String("evidence/a/c/i"), Range: aws.String("bytes=0-10")})
		srv.Close()
		if headErr == nil || getErr == nil {
			t.Fatalf("%d: the client returned no error", tt.status)
		}
		if got := absent(headErr); got != tt.want {
			t.Errorf("absent(HeadObject answered %d) = %v; want %v (%v)", tt.status, got, tt.want, headErr)
		}
		if got := absent(getErr); got != tt.want {
			t.Errorf("absent(GetObject answered %d %s) = %v; want %v (%v)", tt.status, tt.code, got, tt.want, getErr)
		}
	}
}
