package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// owned are the key spellings of the table's items and the packages (folders
// under shared/) that may spell them: each item type has one owner, which
// defines its keys and attributes, and every other package goes through the
// owner's operations (docs/data-model.md, "Who owns each item"). A spelling
// ending in "#" is a prefix; any other is a whole sort or partition key.
var owned = []struct {
	spelling string
	owners   []string
	why      string
}{
	{"USER#", []string{"identity", "session"}, "user item and membership rows (identity); the GSI1 partition of a user's sessions (session)"},
	{"PROFILE", []string{"identity"}, "user item"},
	{"EMAIL#", []string{"identity"}, "email claim"},
	{"EMAIL", []string{"identity"}, "email claim"},
	{"MEMBER#", []string{"identity", "accounts"}, "membership rows, user side (identity); account side ACCOUNT#<id>/MEMBER#<userId> (accounts)"},
	{"RESET#", []string{"reset"}, "reset token"},
	{"RESET", []string{"reset"}, "reset token"},
	{"RESETRATE#", []string{"reset"}, "reset rate window"},
	{"VERIFY#", []string{"identity"}, "verification token"},
	{"VERIFY", []string{"identity"}, "verification token"},
	{"VERIFYRATE#", []string{"identity"}, "verification rate window"},
	{"SIGNINFAIL#", []string{"identity"}, "failed sign-ins of an unknown address"},
	{"SESSION#", []string{"session"}, "session"},
	{"SESSION", []string{"session"}, "session"},
	{"SESSIONEPOCH#", []string{"session"}, "session epoch"},
	{"EPOCH", []string{"session"}, "session epoch"},
	{"THROTTLE#", []string{"throttle"}, "rate-limit window"},
	{"WINDOW#", []string{"throttle"}, "rate-limit window"},
	{"FREEZE", []string{"notice"}, "data freeze"},
	{"ANNOUNCEMENT", []string{"notice"}, "announcement"},
	{"LIBRARY", []string{"library"}, "library document"},
	{"NOTICEMAIL", []string{"reminder"}, "freeze notice queued for mailing (and, as NOTICEMAIL#<id>, its claims)"},
	{"AUDIT#", []string{"audit"}, "audit event"},
	{"SUPPRESS", []string{"delivery"}, "suppressed address"},
	{"HEALTH", []string{"store"}, "health probe"},
	{"APPLICATION#", []string{"application"}, "programme application; the sort key of an applicant's list entry"},
	{"APPLICATION", []string{"application"}, "programme application"},
	{"APPLICATIONS#", []string{"application"}, "the GSI1 partition of the programme applications with a status"},
	{"APPLICANT#", []string{"application"}, "an applicant's list of programme applications"},
	{"APPLOCK#", []string{"application"}, "open programme application of a company identifier and programme"},
	{"APPLOCK", []string{"application"}, "open programme application of a company identifier and programme"},
	{"STAFFINVITE#", []string{"staff"}, "staff invitation and its address's pointer"},
	{"STAFFINVITE", []string{"staff"}, "staff invitation"},
	{"ADMINS", []string{"identity"}, "admins counter"},
	{"STAFF", []string{"identity"}, "the staff list's GSI1 partition of staff users"},
	// The account-side items (organisation, account, invitation, criterion
	// answers, reminders, due dates, queues …) have their own rows.
}

// TestOneOwnerPerKey fails when a package other than an item's owner spells
// one of its keys in a string literal (tests aside: they may read any item
// to check what was stored), and when an owner no longer spells its own,
// which would mean this table is out of date.
func TestOneOwnerPerKey(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	spelledBy := map[string][]string{} // spelling -> packages
	for _, dir := range []string{"shared", "functions", "infra"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			pkg, _ := filepath.Rel(root, filepath.Dir(path))
			pkg = strings.TrimPrefix(filepath.ToSlash(pkg), "shared/")
			for _, lit := range stringLiterals(t, path) {
				for _, o := range owned {
					if matches(lit, o.spelling) {
						spelledBy[o.spelling] = append(spelledBy[o.spelling], pkg)
						if !slices.Contains(o.owners, pkg) {
							rel, _ := filepath.Rel(root, path)
							t.Errorf("%s spells %q (%s), owned by %v", rel, lit, o.why, o.owners)
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range owned {
		for _, pkg := range o.owners {
			if !slices.Contains(spelledBy[o.spelling], pkg) {
				t.Errorf("%s no longer spells %q (%s): update the owners here and in docs/data-model.md", pkg, o.spelling, o.why)
			}
		}
	}
}

// matches reports whether the literal lit spells the key spelling: starts
// with it when it is a prefix, equals it otherwise.
func matches(lit, spelling string) bool {
	if strings.HasSuffix(spelling, "#") {
		return strings.HasPrefix(lit, spelling)
	}
	return lit == spelling
}

// stringLiterals returns the value of every string literal in the Go file.
func stringLiterals(t *testing.T, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if v, err := strconv.Unquote(lit.Value); err == nil {
				out = append(out, v)
			}
		}
		return true
	})
	return out
}
