package audit_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// actionLike is a quoted snake_case word, as actions are spelled.
var actionLike = regexp.MustCompile(`^"[a-z]+(_[a-z]+)+"$`)

// TestActionsAreConstants: every recorded action is one of this package's
// constants, so the list of actions a reader of the audit trail can meet is
// the const block in audit.go. It looks for an audit.Event literal whose
// Action is a string literal, and for a string literal passed to a package's
// record helper, in every non-test file under shared/.
func TestActionsAreConstants(t *testing.T) {
	fset := token.NewFileSet()
	var checked int
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Action" {
					if _, lit := n.Value.(*ast.BasicLit); lit {
						t.Errorf("%s: Action is a string literal; use an audit constant", fset.Position(n.Pos()))
					}
				}
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "record" {
					return true
				}
				for _, a := range n.Args {
					if l, ok := a.(*ast.BasicLit); ok && l.Kind == token.STRING && actionLike.MatchString(l.Value) {
						t.Errorf("%s: record(…, %s, …): use an audit constant", fset.Position(a.Pos()), l.Value)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("checked %d files under shared/; the walk is not finding the code", checked)
	}
}
