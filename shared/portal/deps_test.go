package portal_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestFunctionDependencies checks with `go list -deps` what each function
// links (issue 12). The heavy parts are linked only where they are served:
// S3 and the PDF library by profiles alone; the password dictionaries
// (shared/strength) by the three functions that check new passwords; no AWS
// SDK service at all by web, whose pages call the API from the browser.
// mail-events and reminders link no identity, password or session. Each
// row also names what the function must link, so a broken `go list` cannot
// pass it.
func TestFunctionDependencies(t *testing.T) {
	const (
		s3       = "github.com/aws/aws-sdk-go-v2/service/s3"
		fpdf     = "codeberg.org/go-pdf/fpdf"
		strength = "github.com/partner-portal/portal/shared/strength"
		zxcvbn   = "github.com/trustelem/zxcvbn"
		sdk      = "github.com/aws/aws-sdk-go-v2/service/"
		dynamodb = "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	)
	heavy := []string{s3, fpdf, strength, zxcvbn}
	rules := []struct {
		function  string
		links     []string // heavy packages it links, and must
		forbidden []string // prefixes it must not link, beyond the other heavy ones
	}{
		{"auth", []string{strength}, nil},
		{"password-reset", []string{strength}, nil},
		{"accounts", []string{strength}, nil},
		{"profiles", []string{s3, fpdf}, nil},
		{"web", nil, []string{sdk}},
		// It writes only the suppression list.
		{"mail-events", nil, []string{"github.com/partner-portal/portal/shared/identity",
			"github.com/partner-portal/portal/shared/password", "github.com/partner-portal/portal/shared/session"}},
		// It reads the accounts due through shared/account; the accounts
		// function serves its admin route.
		{"reminders", nil, []string{"github.com/partner-portal/portal/shared/accounts", "github.com/partner-portal/portal/shared/identity",
			"github.com/partner-portal/portal/shared/password", "github.com/partner-portal/portal/shared/session"}},
	}
	for _, r := range rules {
		t.Run(r.function, func(t *testing.T) {
			deps := goListDeps(t, "./functions/"+r.function)
			if r.function != "web" && !slices.Contains(deps, dynamodb) {
				t.Errorf("%s does not link %s: is go list's answer complete?", r.function, dynamodb)
			}
			for _, h := range heavy {
				linked := slices.ContainsFunc(deps, func(d string) bool { return d == h || strings.HasPrefix(d, h+"/") })
				if want := slices.Contains(r.links, h); linked != want {
					t.Errorf("%s links %s: %v; want %v", r.function, h, linked, want)
				}
			}
			for _, dep := range deps {
				for _, f := range r.forbidden {
					if strings.HasPrefix(dep, f) {
						t.Errorf("%s links %s", r.function, dep)
					}
				}
			}
		})
	}
}

// goListDeps is `go list -deps` of the package pattern, from the module root.
func goListDeps(t *testing.T, pkg string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", pkg)
	cmd.Dir = root(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
	}
	return strings.Fields(string(out))
}
