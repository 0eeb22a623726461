// Command mail-events is the Lambda function on the SES notification topic:
// bounces and complaints put their addresses on the suppression list, which
// is also what the account owner's user list shows. It reads TABLE_NAME and
// LOG_LEVEL and builds only the table client.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/partner-portal/portal/shared/delivery"
	"github.com/partner-portal/portal/shared/lambdaenv"
)

func main() {
	base, err := lambdaenv.Load(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "mail-events:", err)
		os.Exit(1)
	}
	st := base.Store()
	if err := base.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "mail-events: configuration:", err)
		os.Exit(1)
	}
	events := &delivery.Events{List: &delivery.List{Store: st, Now: time.Now}}
	lambda.Start(events.SNS)
}
