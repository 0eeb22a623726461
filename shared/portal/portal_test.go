package portal_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/partner-portal/portal/infra/localstack"
	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/notice"
	"github.com/partner-portal/portal/shared/portal"
	"github.com/partner-portal/portal/shared/session"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestRouteParity: the routes each function serves in code are exactly the
// HttpApi events template.yaml sends to it, and every HTTP function of the
// template is one the code knows.
func TestRouteParity(t *testing.T) {
	tpl, err := testenv.Template()
	if err != nil {
		t.Fatal(err)
	}
	fns, err := tpl.Functions()
	if err != nil {
		t.Fatal(err)
	}
	inTemplate := map[string][]string{}
	for _, f := range fns {
		if len(f.Routes) > 0 {
			inTemplate[f.LogicalID] = f.Routes
		}
	}
	d := testenv.Deps(t)
	for _, f := range portal.Functions() {
		got := f.Routes(d).Routes()
		want := inTemplate[f.LogicalID]
		if !slices.Equal(got, want) {
			t.Errorf("%s serves %v\n but template.yaml routes %v to it", f.LogicalID, got, want)
		}
		delete(inTemplate, f.LogicalID)
	}
	for id, routes := range inTemplate {
		t.Errorf("template.yaml routes %v to %s, which no function in code serves", routes, id)
	}
}

// TestLambdaEvent sends real API Gateway HTTP API (payload 2.0) events through
// the adapter the Lambda main uses, to the handler the main builds.
func TestLambdaEvent(t *testing.T) {
	d := testenv.Deps(t)
	proxy := httpadapter.NewV2(portal.Handler(d, portal.RoutesOf(d, "auth"))).ProxyWithContext

	tests := []struct {
		file      string
		status    int
		body      string
		requestID string
	}{
		{"apigw-v2-health.json", 200, `{"status":"ok"}`, "JKJaXmPLvHcESHA="},
		{"apigw-v2-unknown-route.json", 404, `{"error":{"code":"not_found","message":"no such route"}}`, "JKJbQhmPLvHcEPw="},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(root(t), "testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var ev events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Fatal(err)
			}
			res, err := proxy(context.Background(), ev)
			if err != nil {
				t.Fatalf("proxy(%s) error = %v", tt.file, err)
			}
			if res.StatusCode != tt.status || strings.TrimSpace(res.Body) != tt.body {
				t.Errorf("proxy(%s) = %d %s; want %d %s", tt.file, res.StatusCode, res.Body, tt.status, tt.body)
			}
			if ct := res.Headers["Content-Type"]; ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			if id := res.Headers["X-Request-Id"]; id != tt.requestID {
				t.Errorf("X-Request-Id = %q; want API Gateway's request id %q", id, tt.requestID)
			}
		})
	}
}

func TestHealth(t *testing.T) {
	t.Run("store answers", func(t *testing.T) {
		d := testenv.Deps(t)
		srv := httptest.NewServer(portal.Handler(d, portal.AllRoutes(d)))
		defer srv.Close()
		status, body := get(t, srv.URL+"/v1/health")
		if status != 200 || body != `{"status":"ok"}` {
			t.Errorf("GET /v1/health = %d %s; want 200 {\"status\":\"ok\"}", status, body)
		}
	})
	t.Run("store down", func(t *testing.T) {
		d := testenv.Deps(t)
		// Same table, but the client every service shares points at a port
		// nothing listens on.
		d.Store.DB = dynamodb.New(d.Store.DB.Options(), func(o *dynamodb.Options) {
			o.BaseEndpoint = aws.String("http://127.0.0.1:1")
			o.RetryMaxAttempts = 1
		})
		srv := httptest.NewServer(portal.Handler(d, portal.AllRoutes(d)))
		defer srv.Close()
		status, body := get(t, srv.URL+"/v1/health")
		if status != 503 || !strings.Contains(body, `"code":"store_unavailable"`) {
			t.Errorf("GET /v1/health with the store down = %d %s; want 503 store_unavailable", status, body)
		}
		if strings.Contains(body, "127.0.0.1") {
			t.Errorf("body %s leaks the internal error", body)
		}
	})
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, res.Body); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, strings.TrimSpace(b.String())
}

func root(t testing.TB) string {
	t.Helper()
	r, err := localstack.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestLambdaSignInCookie: a sign-in event through the adapter answers 201,
// and the session cookie comes back in the v2 response's cookies, where API
// Gateway expects it.
func TestLambdaSignInCookie(t *testing.T) {
	d := testenv.Deps(t)
	nu, err := identity.SignUpRequest{Email: "lambda.user@trade.test", Password: testenv.Password, Name: "Lambda User",
		SecurityAnswers: []identity.AnswerInput{{QuestionID: "q01", Answer: "a"}, {QuestionID: "q02", Answer: "b"}, {QuestionID: "q03", Answer: "c"}}}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Users.SignUp(context.Background(), nu, identity.Client{}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root(t), "testdata", "apigw-v2-sign-in.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	res, err := httpadapter.NewV2(portal.Handler(d, portal.RoutesOf(d, "auth"))).ProxyWithContext(context.Background(), ev)
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("sign-in event = %d %s, %v", res.StatusCode, res.Body, err)
	}
	if len(res.Cookies) != 1 || !strings.HasPrefix(res.Cookies[0], session.CookieName+"=") || !strings.Contains(res.Cookies[0], "HttpOnly") {
		t.Errorf("cookies = %v; want the session cookie in the v2 cookies list", res.Cookies)
	}
	// The source IP of the event is the one audited.
	page, err := d.Audit.ForUser(context.Background(), mustUserID(t, d, "lambda.user@trade.test"), "", 10)
	if err != nil || len(page.Events) == 0 || page.Events[0].IP != "203.0.113.17" {
		t.Errorf("audit = %+v, %v; want the sign-in from API Gateway's source IP", page.Events, err)
	}
}

func mustUserID(t *testing.T, d *portal.Deps, email string) string {
	t.Helper()
	u, found, err := d.Users.FindByEmail(context.Background(), email)
	if err != nil || !found {
		t.Fatalf("user %s: %v %v", email, found, err)
	}
	return u.ID
}

// TestFreezeExemptionsAreRoutes: every write a data freeze lets through is a
// route template.yaml sends to a function, so a renamed route cannot leave a
// stale exemption behind (or lose its own without notice).
func TestFreezeExemptionsAreRoutes(t *testing.T) {
	tpl, err := testenv.Template()
	if err != nil {
		t.Fatal(err)
	}
	fns, err := tpl.Functions()
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, f := range fns {
		routes = append(routes, f.Routes...)
	}
	for _, p := range notice.ExemptRoutes() {
		method, _, _ := strings.Cut(p, " ")
		if !slices.Contains(routes, p) || method == "GET" {
			t.Errorf("freeze exemption %q is not a write route of template.yaml", p)
		}
	}
}
