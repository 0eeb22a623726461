// Command apiproxy is the hello-world function behind the API Gateway
// adapter: an empty http.ServeMux served through aws-lambda-go-api-proxy,
// without the AWS SDK. It is the reference for a function that only serves
// pages (web), measured by infra/cmd/coldstart.
package main

import (
	"net/http"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

func main() {
	lambda.Start(httpadapter.NewV2(http.NewServeMux()).ProxyWithContext)
}
