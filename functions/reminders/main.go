// Command reminders is the Lambda function the daily EventBridge schedule
// runs: it sends the annual-review reminders due as of the event's day.
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
		fmt.Fprintln(os.Stderr, "reminders:", err)
		os.Exit(1)
	}
	lambda.Start(deps.Reminder.Scheduled)
}
