// Command baresdk is what any portal function that touches AWS must at least
// start: the SDK configuration loaded, DynamoDB, SES and S3 clients built, and
// an empty http.ServeMux behind the API Gateway adapter. infra/cmd/coldstart
// measures every function's cold start against it.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// clients are built once per process, as the portal's functions build theirs.
type clients struct {
	dynamodb *dynamodb.Client
	ses      *ses.Client
	s3       *s3.Client
}

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "baresdk:", err)
		os.Exit(1)
	}
	c := clients{
		dynamodb: dynamodb.NewFromConfig(cfg),
		ses:      ses.NewFromConfig(cfg),
		s3:       s3.NewFromConfig(cfg),
	}
	mux := http.NewServeMux()
	lambda.Start(httpadapter.NewV2(withClients(c, mux)).ProxyWithContext)
}

// withClients keeps the clients reachable from the handler, as a real
// function's handler would, so nothing about them is optimised away.
func withClients(c clients, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.dynamodb == nil || c.ses == nil || c.s3 == nil {
			http.Error(w, "no clients", http.StatusInternalServerError)
			return
		}
		next.ServeHTTP(w, r)
	})
}
