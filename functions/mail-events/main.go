// Command mail-events is the Lambda function on the SES notification topic:
// bounces and complaints suppress their addresses and mark their users.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/partner-portal/portal/shared/portal"
)

func main() {
	deps, err := portal.FromEnv(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "mail-events:", err)
		os.Exit(1)
	}
	lambda.Start(deps.MailEvents.SNS)
}
