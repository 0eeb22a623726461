// Command auth is the Lambda function for sign-up, sign-in, sessions and the
// staff actions on users, behind API Gateway's HTTP API (payload 2.0).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/partner-portal/portal/shared/portal/authfn"
)

func main() {
	h, err := authfn.New(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "auth:", err)
		os.Exit(1)
	}
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
