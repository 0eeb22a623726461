package webpage_test

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/partner-portal/portal/infra/localstack"
	"github.com/partner-portal/portal/infra/samtemplate"
)

// TestOnlyWebServesPages: in template.yaml, the web function serves every
// page and asset and nothing under /v1/; every other function serves only
// /v1/… (issue 14; shared/portal's TestRouteParity holds the code to the
// template).
func TestOnlyWebServesPages(t *testing.T) {
	root := moduleRoot(t)
	tpl, err := samtemplate.Load(filepath.Join(root, "template.yaml"), map[string]string{"PortalUrl": "http://portal.test"})
	if err != nil {
		t.Fatal(err)
	}
	fns, err := tpl.Functions()
	if err != nil {
		t.Fatal(err)
	}
	var web []string
	for _, f := range fns {
		for _, route := range f.Routes {
			_, path, _ := strings.Cut(route, " ")
			api := strings.HasPrefix(path, "/v1/")
			if f.LogicalID == "WebFunction" {
				web = append(web, route)
			}
			if api == (f.LogicalID == "WebFunction") {
				t.Errorf("%s serves %s; want every page on WebFunction and only /v1/… elsewhere", f.LogicalID, route)
			}
		}
	}
	for _, page := range []string{"GET /sign-in", "GET /forgot-password", "GET /reset-password", "GET /assets/{file}"} {
		if !slices.Contains(web, page) {
			t.Errorf("WebFunction does not serve %s (it serves %v)", page, web)
		}
	}
}

// TestOnlyWebLinksPages: built as the Lambda functions are (-tags
// lambda.norpc), only web links this package and html/template. Templates
// call methods by name through reflection, so the linker keeps every
// exported method of every linked type: a function holding AWS SDK clients
// would keep every operation of every client.
func TestOnlyWebLinksPages(t *testing.T) {
	fns := goList(t, "./functions/...")
	if len(fns) != 7 {
		t.Fatalf("functions = %v; want the seven of DESIGN.md", fns)
	}
	for _, fn := range fns {
		deps := goList(t, "-tags", "lambda.norpc", "-deps", fn)
		web := strings.HasSuffix(fn, "/functions/web")
		for _, pkg := range []string{"html/template", "github.com/partner-portal/portal/shared/webpage"} {
			if linked := slices.Contains(deps, pkg); linked != web {
				t.Errorf("%s links %s: %v; want %v", fn, pkg, linked, web)
			}
		}
	}
}

// goList is the answer of `go list args…` from the module root.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = moduleRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Fields(string(out))
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := localstack.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}
