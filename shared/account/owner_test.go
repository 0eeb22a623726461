package account_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// owners maps each account-side key prefix, and each name of the indexes
// that only the account item uses, to the one package that may spell it
// (docs/data-model.md, "Who owns each item").
var owners = []struct {
	spelling string
	prefix   bool // a key prefix; otherwise an exact name
	owner    string
}{
	{"ACCOUNT#", true, "shared/account"}, // the account partition; others use account.Partition
	{"DUE#", true, "shared/account"},
	{"QUEUE#", true, "shared/account"},
	{"REVIEWS#", true, "shared/account"},
	{"GSI2", false, "shared/account"},
	{"GSI2PK", false, "shared/account"},
	{"GSI2SK", false, "shared/account"},
	{"GSI3", false, "shared/account"},
	{"GSI3PK", false, "shared/account"},
	{"GSI3SK", false, "shared/account"},
	{"ACCOUNTS#", true, "shared/account"},
	{"GSI4", false, "shared/account"},
	{"GSI4PK", false, "shared/account"},
	{"GSI4SK", false, "shared/account"},
	{"REMIND#", true, "shared/reminder"},
	{"JOB#", true, "shared/reminder"},
	{"CRIT#", true, "shared/profile"},
	{"VERSION#", true, "shared/profile"},
	{"DOC#", true, "shared/profile"},
	{"PROFILESTATE#", true, "shared/account"},  // a programme's profile state (not security's: the account item's)
	{"PROGRAM#", true, "shared/profile"},       // the items of a programme's profile other than security's
	{"NAMES#ACCOUNT", false, "shared/account"}, // the accounts' partition of the name index
	{"NAMES#ORG", false, "shared/accounts"},    // the organisations'
	{"NameIndex", false, "shared/nameindex"},
	{"namePK", false, "shared/nameindex"},
	{"nameSK", false, "shared/nameindex"},
}

// TestAccountKeysHaveOneOwner reads every string literal of the module's
// non-test Go files: an account-side key prefix (or an index name only the
// account item uses) spelled outside its owning package fails, so the key
// formats cannot drift apart again.
func TestAccountKeysHaveOneOwner(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		files++
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		for _, lit := range stringLiterals(t, path) {
			for _, o := range owners {
				spelled := lit == o.spelling || o.prefix && strings.HasPrefix(lit, o.spelling)
				if spelled && filepath.ToSlash(rel) != o.owner {
					t.Errorf("%s spells %q; only %s may (call its operations)", strings.TrimPrefix(path, root+string(os.PathSeparator)), lit, o.owner)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("read %d Go files under %s; want the whole module", files, root)
	}
}

// stringLiterals are the values of the string literals in a Go file, struct
// tags aside.
func stringLiterals(t *testing.T, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		if field, ok := n.(*ast.Field); ok && field.Tag != nil {
			return false // a struct tag names attributes, not keys
		}
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		if s, err := strconv.Unquote(lit.Value); err == nil {
			out = append(out, s)
		}
		return true
	})
	return out
}
