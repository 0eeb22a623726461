package portal_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestFunctionDependencies checks with `go list -deps` what a function
// links (issue 12): the web function serves pages that call the API from the
// browser, so it links no AWS SDK service; mail-events and reminders check no
// password and keep no evidence, so they link neither the password
// dictionaries nor S3 nor the PDF library; mail-events writes only the
// suppression list, so it links no identity, password or session either.
// The four HTTP API functions still share the wiring of shared/portal; their
// rows come as each gets its own constructor.
func TestFunctionDependencies(t *testing.T) {
	rules := []struct {
		function  string
		forbidden []string
	}{
		{"web", []string{"github.com/aws/aws-sdk-go-v2/service/", "github.com/trustelem/zxcvbn", "codeberg.org/go-pdf/fpdf"}},
		{"mail-events", []string{"github.com/trustelem/zxcvbn", "github.com/aws/aws-sdk-go-v2/service/s3", "codeberg.org/go-pdf/fpdf",
			"github.com/partner-portal/portal/shared/identity", "github.com/partner-portal/portal/shared/password", "github.com/partner-portal/portal/shared/session"}},
		{"reminders", []string{"github.com/trustelem/zxcvbn", "github.com/aws/aws-sdk-go-v2/service/s3", "codeberg.org/go-pdf/fpdf"}},
	}
	for _, r := range rules {
		cmd := exec.Command("go", "list", "-deps", "./functions/"+r.function)
		cmd.Dir = root(t)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps ./functions/%s: %v\n%s", r.function, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range r.forbidden {
				if strings.HasPrefix(dep, f) {
					t.Errorf("%s links %s", r.function, dep)
				}
			}
		}
	}
}
