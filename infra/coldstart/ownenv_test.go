package coldstart

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/localstack"
	"github.com/partner-portal/portal/infra/samtemplate"
)

// settings are values for every variable template.yaml may give a function.
var settings = map[string]string{
	"TABLE_NAME":            "partner-portal",
	"BUCKET_NAME":           "partner-portal-evidence",
	"PORTAL_URL":            "https://portal.example",
	"MAIL_FROM":             "no-reply@portal.example",
	"SES_CONFIGURATION_SET": "partner-portal",
	"LOG_LEVEL":             "info",
}

// optional are the settings a function may start without.
var optional = []string{"SES_CONFIGURATION_SET", "LOG_LEVEL"}

// TestFunctionsStartWithOwnEnvironment starts every function with exactly
// the variables template.yaml gives it (and what Lambda itself sets): each
// must reach its first next request. Without any one of its required
// variables it must stop at once, naming it — so a function's settings are
// what the template gives it, no more and no less (issue 12).
func TestFunctionsStartWithOwnEnvironment(t *testing.T) {
	root, err := localstack.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := samtemplate.Load(filepath.Join(root, "template.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	fns, err := tpl.Functions()
	if err != nil {
		t.Fatal(err)
	}
	folder := map[string]string{"AuthFunction": "auth", "PasswordResetFunction": "password-reset", "AccountsFunction": "accounts",
		"ProfilesFunction": "profiles", "WebFunction": "web", "RemindersFunction": "reminders", "MailEventsFunction": "mail-events"}
	var targets []Target
	for _, f := range fns {
		if folder[f.LogicalID] == "" {
			t.Fatalf("template function %s has no folder under functions/ in this test", f.LogicalID)
		}
		targets = append(targets, Target{Name: f.LogicalID, Pkg: "./functions/" + folder[f.LogicalID]})
	}
	paths, sink := buildForHost(t, targets)
	var lambdaEnv []string // what Lambda sets, without the portal's settings
	for _, kv := range Env(sink.URL()) {
		if name, _, _ := strings.Cut(kv, "="); settings[name] == "" {
			lambdaEnv = append(lambdaEnv, kv)
		}
	}
	envWithout := func(f samtemplate.Function, skip string) []string {
		env := slices.Clone(lambdaEnv)
		for _, name := range f.Env {
			if name != skip {
				env = append(env, name+"="+settings[name])
			}
		}
		return env
	}
	for i, f := range fns {
		for _, name := range f.Env {
			if _, known := settings[name]; !known {
				t.Errorf("%s gets %s, which this test has no value for", f.LogicalID, name)
			}
		}
		if _, err := Start(context.Background(), paths[i], envWithout(f, ""), t.TempDir(), 30*time.Second); err != nil {
			t.Errorf("%s with its own environment %v: %v", f.LogicalID, f.Env, err)
			continue
		}
		for _, name := range f.Env {
			if slices.Contains(optional, name) {
				continue
			}
			_, err := Start(context.Background(), paths[i], envWithout(f, name), t.TempDir(), 30*time.Second)
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("%s without %s: %v; want it to stop, naming the variable", f.LogicalID, name, err)
			}
		}
	}
}
