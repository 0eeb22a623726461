// Command reminders is the Lambda function the daily EventBridge schedule
// runs: it sends the annual-review reminders due as of the event's day. It
// reads the table, the mail and the reminder settings, and builds only the
// table and SES clients.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/partner-portal/portal/shared/delivery"
	"github.com/partner-portal/portal/shared/lambdaenv"
	"github.com/partner-portal/portal/shared/reminder"
)

func main() {
	job, err := build(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "reminders:", err)
		os.Exit(1)
	}
	lambda.Start(job.Scheduled)
}

func build(ctx context.Context) (*reminder.Job, error) {
	base, err := lambdaenv.Load(ctx)
	if err != nil {
		return nil, err
	}
	st := base.Store()
	suppressed := &delivery.List{Store: st, Now: time.Now}
	cfg, err := reminder.ConfigFrom(base.Env)
	if err != nil {
		return nil, err
	}
	portalURL := base.Env.URL("PORTAL_URL")
	sender, err := base.Sender(suppressed) // reports every missing setting
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	return &reminder.Job{Store: st, Mail: sender, Suppressed: suppressed, Config: cfg,
		PortalURL: portalURL, Log: base.Log, Sleep: time.Sleep}, nil
}
