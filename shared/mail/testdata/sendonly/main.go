// Command sendonly sends one email through the portal's sender and a real
// SES client; TestSenderLinksNoReflectMethods builds it to see what the
// linker keeps.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/partner-portal/portal/shared/mail"
)

func main() {
	s, err := mail.NewSender(ses.NewFromConfig(aws.Config{}), "no-reply@portal.example", "", nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	err = s.Send(context.Background(), mail.Message{To: "owner@importer.example", Template: "lockout", Data: map[string]any{
		"Name": "Pat", "Attempts": 5, "Until": "10:30 UTC", "ResetURL": "https://portal.example/forgot-password"}})
	fmt.Println(err)
}
