// Command auth is the Lambda function for sign-up, sign-in, sessions and the
// staff actions on users. It serves its routes through API Gateway's HTTP API
// (payload 2.0).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/partner-portal/portal/shared/config"
	"github.com/partner-portal/portal/shared/portal"
)

func main() {
	cfg, err := portal.LoadConfig(config.New(os.LookupEnv))
	if err != nil {
		fmt.Fprintf(os.Stderr, "auth: configuration: %v\n", err)
		os.Exit(1)
	}
	log := portal.NewLogger(cfg.LogLevel)
	deps, err := portal.NewDeps(context.Background(), cfg, log)
	if err != nil {
		log.Error("start", "err", err.Error())
		os.Exit(1)
	}
	h := portal.Handler(deps, portal.AuthRoutes(deps))
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
