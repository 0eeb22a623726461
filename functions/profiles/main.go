// Command profiles is the Lambda function for the security profile: the
// criteria, answers, submission, specialist review and versions.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/partner-portal/portal/shared/portal/profilesfn"
)

func main() {
	h, err := profilesfn.New(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "profiles:", err)
		os.Exit(1)
	}
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
