package portal_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxFuncLines is the longest a function in shared/ may be (issue 12): a
// longer one is split into named steps.
const maxFuncLines = 60

// TestFunctionsAreShort checks every function and method in the non-test
// files under shared/.
func TestFunctionsAreShort(t *testing.T) {
	fset := token.NewFileSet()
	var funcs int
	err := filepath.WalkDir(filepath.Join(root(t), "shared"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			funcs++
			if n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1; n > maxFuncLines {
				t.Errorf("%s: %s is %d lines; split it into named steps (at most %d)", fset.Position(fd.Pos()), fd.Name.Name, n, maxFuncLines)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if funcs < 300 {
		t.Fatalf("found %d functions under shared/; the walk is not finding the code", funcs)
	}
}
