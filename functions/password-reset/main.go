// Command password-reset is the Lambda function for the forgotten-password
// journey's API: reset-link emails, the security questions, the reset, and
// signed-in password and security-answer changes.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/partner-portal/portal/shared/portal/resetfn"
)

func main() {
	h, err := resetfn.New(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "password-reset:", err)
		os.Exit(1)
	}
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
