// Command web is the Lambda function for the plain HTML pages that belong to
// no other journey (sign-in) and the pages' own CSS and JavaScript.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/partner-portal/portal/shared/portal"
)

func main() {
	deps, err := portal.FromEnv(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "web:", err)
		os.Exit(1)
	}
	h := portal.Handler(deps, portal.WebRoutes(deps))
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
