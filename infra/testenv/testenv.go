// Package testenv gives integration tests the real local stack: DynamoDB
// Local, MinIO and the local SES, reached through the production AWS SDK
// clients. Under make test one stack serves every package (its endpoints come
// in the AWS_ENDPOINT_URL_* variables); a package tested on its own starts a
// private stack in TestMain. Each test gets its own table and bucket, created
// from template.yaml.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/localstack"
	"github.com/partner-portal/portal/infra/provision"
	"github.com/partner-portal/portal/infra/samtemplate"
	"github.com/partner-portal/portal/shared/config"
	"github.com/partner-portal/portal/shared/portal"
)

// Main runs the package's tests against the local stack and exits.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("AWS_ENDPOINT_URL_DYNAMODB") == "" {
		tpl, err := Template()
		if err != nil {
			fmt.Fprintln(os.Stderr, "testenv:", err)
			return 1
		}
		origins, err := provision.CORSOrigins(tpl)
		if err != nil {
			fmt.Fprintln(os.Stderr, "testenv:", err)
			return 1
		}
		st, err := localstack.Start(context.Background(), localstack.Options{CORSOrigins: origins})
		if err != nil {
			fmt.Fprintln(os.Stderr, "testenv: start local stack:", err)
			return 1
		}
		defer st.Stop()
		for k, v := range st.Env() {
			os.Setenv(k, v)
		}
	}
	return m.Run()
}

// Template parses the project's template.yaml with the test portal URL.
func Template() (*samtemplate.Template, error) {
	root, err := localstack.ModuleRoot()
	if err != nil {
		return nil, err
	}
	return samtemplate.Load(filepath.Join(root, "template.yaml"), map[string]string{"PortalUrl": PortalURL})
}

// PortalURL is the portal address tests configure.
const PortalURL = "http://portal.test"

// Config returns the portal's default configuration for t, on a fresh table
// and bucket of the local stack created from template.yaml.
func Config(t testing.TB) portal.Config {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name := "t-" + randomHex(6)
	cfg, err := portal.LoadConfig(config.FromMap(map[string]string{
		"TABLE_NAME":          name,
		"BUCKET_NAME":         name,
		"PORTAL_URL":          PortalURL,
		"MAIL_FROM":           "no-reply@portal.test",
		"S3_FORCE_PATH_STYLE": "true",
		"LOG_LEVEL":           "warn",
		// Every test calls from 127.0.0.1: a limit per address would throttle
		// the suite. Tests of the limit set a low one.
		"RATE_LIMIT_PER_MINUTE": "1000000",
	}))
	if err != nil {
		t.Fatal(err)
	}
	d := DepsWith(t, cfg)
	tpl, err := Template()
	if err != nil {
		t.Fatal(err)
	}
	if err := provision.Table(ctx, d.Store.DB, tpl, name); err != nil {
		t.Fatal(err)
	}
	if err := provision.Bucket(ctx, d.S3, tpl, name); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Deps returns the portal's dependencies on a fresh table and bucket.
func Deps(t testing.TB) *portal.Deps {
	t.Helper()
	return DepsWith(t, Config(t))
}

// DepsWith returns the portal's dependencies for cfg (from Config, changed).
func DepsWith(t testing.TB, cfg portal.Config) *portal.Deps {
	t.Helper()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	}
	d, err := portal.NewDeps(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
