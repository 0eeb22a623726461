// Command portal is the all-in-one local server behind make run: it starts the
// local stack (DynamoDB Local on :8000, MinIO on :9000, SES local on :8005),
// creates the table and bucket from template.yaml, and serves every function's
// routes on one mux on $PORT (default 8080) — the same handlers the Lambda
// mains serve. Ctrl-C stops the server and the stack.
//
// When AWS_ENDPOINT_URL_DYNAMODB is already set, it uses those services instead
// of starting its own.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/partner-portal/portal/infra/localstack"
	"github.com/partner-portal/portal/infra/provision"
	"github.com/partner-portal/portal/infra/samtemplate"
	"github.com/partner-portal/portal/infra/seed"
	"github.com/partner-portal/portal/shared/config"
	"github.com/partner-portal/portal/shared/portal"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	port := envOr("PORT", "8080")
	setDefaults(port)
	tpl, err := samtemplate.Load("template.yaml", map[string]string{"PortalUrl": os.Getenv("PORTAL_URL")})
	if err != nil {
		return err
	}
	consoleURL := "(not started here)"
	if os.Getenv("AWS_ENDPOINT_URL_DYNAMODB") == "" {
		st, err := startStack(ctx, tpl)
		if err != nil {
			return err
		}
		defer st.Stop()
		consoleURL = st.S3Web
	}
	cfg, deps, err := build(ctx, tpl)
	if err != nil {
		return err
	}
	seedPassword := envOr("SEED_PASSWORD", seed.DefaultPassword)
	created, err := seed.Run(ctx, deps.Users, deps.Staff, deps.Accounts, seedPassword)
	if err != nil {
		return err
	}
	if err := seed.Application(ctx, deps.Users, deps.Applications, seedPassword); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", ":"+port)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           portal.Handler(deps, portal.AllRoutes(deps)),
		ReadHeaderTimeout: 10 * time.Second,
	}
	printBanner(cfg, consoleURL, created, seedPassword)
	return serve(ctx, srv, ln)
}

// setDefaults fills in the settings make run needs and the user did not set.
func setDefaults(port string) {
	defaults := map[string]string{
		"TABLE_NAME":  "partner-portal",
		"BUCKET_NAME": "partner-portal-evidence",
		"PORTAL_URL":  "http://127.0.0.1:" + port,
		"MAIL_FROM":   "no-reply@portal.example",
	}
	for k, v := range defaults {
		if os.Getenv(k) == "" {
			os.Setenv(k, v)
		}
	}
}

// startStack starts the local stack and points the process's AWS SDK at it.
func startStack(ctx context.Context, tpl *samtemplate.Template) (*localstack.Stack, error) {
	origins, err := provision.CORSOrigins(tpl)
	if err != nil {
		return nil, err
	}
	fmt.Println("portal: starting the local stack (DynamoDB Local, MinIO, SES local)")
	st, err := localstack.Start(ctx, localstack.Options{
		DynamoDBPort: envPort("LOCAL_DYNAMODB_PORT", 8000),
		S3Port:       envPort("LOCAL_S3_PORT", 9000),
		S3Console:    envPort("LOCAL_S3_CONSOLE_PORT", 9001),
		SESPort:      envPort("LOCAL_SES_PORT", 8005),
		CORSOrigins:  origins,
	})
	if err != nil {
		return nil, err
	}
	for k, v := range st.Env() {
		os.Setenv(k, v)
	}
	return st, nil
}

// build reads the configuration, builds every service and creates the table
// and bucket the template declares.
func build(ctx context.Context, tpl *samtemplate.Template) (portal.Config, *portal.Deps, error) {
	cfg, err := portal.LoadConfig(config.New(os.LookupEnv))
	if err != nil {
		return cfg, nil, fmt.Errorf("configuration: %w", err)
	}
	deps, err := portal.NewDeps(ctx, cfg, portal.NewLogger(cfg.LogLevel))
	if err != nil {
		return cfg, nil, err
	}
	if err := provision.Table(ctx, deps.Store.DB, tpl, cfg.TableName); err != nil {
		return cfg, nil, err
	}
	if err := provision.Bucket(ctx, deps.S3, tpl, cfg.BucketName); err != nil {
		return cfg, nil, err
	}
	return cfg, deps, nil
}

// printBanner tells the developer where everything is.
func printBanner(cfg portal.Config, consoleURL string, created int, seedPassword string) {
	fmt.Printf(`
Partner Portal is running.
  portal       %[1]s  (health: %[1]s/v1/health)
  mail viewer  %[2]s
  MinIO        %[3]s  (console %[4]s, user %[5]s / %[6]s)
  DynamoDB     %[7]s  (table %[8]s)
Seeded users (%[9]d new): %[10]s
  password: %[11]s
Ctrl-C stops everything.
`, cfg.PortalURL, os.Getenv("AWS_ENDPOINT_URL_SES"), os.Getenv("AWS_ENDPOINT_URL_S3"), consoleURL,
		localstack.AccessKey, localstack.SecretKey, os.Getenv("AWS_ENDPOINT_URL_DYNAMODB"), cfg.TableName,
		created, seededEmails(), passwordNote(seedPassword))
}

// serve serves on ln until the server fails or ctx ends (Ctrl-C), then
// shuts down, giving requests in flight five seconds.
func serve(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Println("\nportal: stopping")
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func seededEmails() string {
	var out []string
	for _, u := range seed.Users {
		out = append(out, u.Email)
	}
	return strings.Join(out, ", ")
}

// passwordNote shows the default seed password, never one the user chose.
func passwordNote(pw string) string {
	if pw == seed.DefaultPassword {
		return pw + " (the default; set SEED_PASSWORD to choose another)"
	}
	return "the one in SEED_PASSWORD"
}

// envPort reads a port number from the environment, or def.
func envPort(k string, def int) int {
	if p, err := strconv.Atoi(os.Getenv(k)); err == nil && p > 0 && p < 65536 {
		return p
	}
	return def
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
