// Command web is the Lambda function for the portal's pages and their CSS
// and JavaScript. The pages call the JSON API from the browser, so this
// function reads no table and links no AWS service: it builds only its
// routes (webpage.Routes) and the logger.
package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/partner-portal/portal/shared/config"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/webpage"
)

func main() {
	env := config.New(os.LookupEnv)
	var level slog.Level
	_ = level.UnmarshalText([]byte(env.OneOf("LOG_LEVEL", "info", "debug", "info", "warn", "error")))
	if err := env.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "web: configuration:", err)
		os.Exit(1)
	}
	routes, err := webpage.Routes()
	if err != nil {
		fmt.Fprintln(os.Stderr, "web:", err)
		os.Exit(1)
	}
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level}))
	h := httpapi.Middleware(log, routes)
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
