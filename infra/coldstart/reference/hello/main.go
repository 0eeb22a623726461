// Command hello is the cold-start floor: the smallest aws-lambda-go function,
// measured beside the portal's functions by infra/cmd/coldstart.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context) (string, error) { return "hello", nil })
}
