package portal_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/partner-portal/portal/shared/health"
	"github.com/partner-portal/portal/shared/httpapi"
)

// okPinger stands in for the table so the benchmarks below measure the HTTP
// path alone (the adapter's cost), not a DynamoDB round trip.
type okPinger struct{}

func (okPinger) Ping(context.Context) error { return nil }

func benchHandler() http.Handler {
	rt := httpapi.NewRouter()
	health.Register(rt, okPinger{})
	return httpapi.Middleware(slog.New(slog.NewJSONHandler(io.Discard, nil)), rt)
}

// BenchmarkMuxDirect serves GET /v1/health by calling the handler directly.
func BenchmarkMuxDirect(b *testing.B) {
	h := benchHandler()
	req := httptest.NewRequest(http.MethodGet, "/v1/health", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkAdapterV2 serves the same request as an API Gateway v2 event
// through httpadapter.NewV2(...).ProxyWithContext, as the Lambda does.
func BenchmarkAdapterV2(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join(root(b), "testdata", "apigw-v2-health.json"))
	if err != nil {
		b.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		b.Fatal(err)
	}
	proxy := httpadapter.NewV2(benchHandler()).ProxyWithContext
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := proxy(ctx, ev)
		if err != nil || res.StatusCode != 200 {
			b.Fatalf("proxy = %d, %v", res.StatusCode, err)
		}
	}
}
