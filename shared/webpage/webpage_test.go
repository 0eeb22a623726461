package webpage_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partner-portal/portal/shared/webpage"
)

// TestRoutesServePages: Routes builds every page (a page that does not
// parse or render would fail here, not in a person's browser) and serves
// it with the page headers; every route is a page or an asset, none /v1/….
func TestRoutesServePages(t *testing.T) {
	rt, err := webpage.Routes()
	if err != nil {
		t.Fatal(err)
	}
	for _, pattern := range rt.Routes() {
		method, p, _ := strings.Cut(pattern, " ")
		if method != http.MethodGet || strings.HasPrefix(p, "/v1/") {
			t.Errorf("web serves %q; want only GET of pages and assets", pattern)
		}
		if strings.Contains(p, "{") {
			continue
		}
		w := httptest.NewRecorder()
		rt.ServeHTTP(w, httptest.NewRequest(http.MethodGet, p+"?token=x", nil))
		if w.Code != http.StatusOK || w.Header().Get("Content-Security-Policy") != webpage.CSP ||
			!strings.HasPrefix(w.Body.String(), "<!doctype html>") {
			t.Errorf("GET %s = %d %q, %d bytes; want the page with its CSP", p, w.Code, w.Header().Get("Content-Security-Policy"), w.Body.Len())
		}
	}
}

// TestNoPackageState: the package holds no state and does no work when it
// is loaded (STYLE.md: no init, no globals): its only package-level
// variables are the embedded files, and the pages are parsed by Routes.
func TestNoPackageState(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var checked int
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Name.Name == "init" && d.Recv == nil {
					t.Errorf("%s: func init", fset.Position(d.Pos()))
				}
			case *ast.GenDecl:
				if d.Tok != token.VAR {
					continue
				}
				for _, spec := range d.Specs {
					v := spec.(*ast.ValueSpec)
					if !embedded(d, v) {
						t.Errorf("%s: package-level var %s; want only //go:embed files", fset.Position(v.Pos()), v.Names[0].Name)
					}
				}
			}
		}
	}
	if checked < 2 {
		t.Fatalf("checked %d files; the glob is broken", checked)
	}
}

// embedded reports whether v is an embed.FS filled by a //go:embed line.
func embedded(d *ast.GenDecl, v *ast.ValueSpec) bool {
	sel, ok := v.Type.(*ast.SelectorExpr)
	if !ok || v.Values != nil || sel.Sel.Name != "FS" {
		return false
	}
	if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "embed" {
		return false
	}
	doc := v.Doc
	if doc == nil {
		doc = d.Doc
	}
	return doc != nil && hasEmbed(doc)
}

// hasEmbed reports whether a comment group holds a //go:embed directive
// (ast.CommentGroup.Text drops directives).
func hasEmbed(doc *ast.CommentGroup) bool {
	for _, c := range doc.List {
		if strings.HasPrefix(c.Text, "//go:embed ") {
			return true
		}
	}
	return false
}
