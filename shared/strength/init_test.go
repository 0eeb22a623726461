package strength

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const pkgPath = "github.com/partner-portal/portal/shared/strength"

// goCmd runs the go command in the package's directory and returns its
// standard output.
func goCmd(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Stderr = new(strings.Builder)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, cmd.Stderr)
	}
	return string(out)
}

// TestNoWorkAtInit builds a program that links the package and never
// estimates, runs it with GODEBUG=inittrace=1, and checks that the package
// does nothing at init (the runtime prints no line for a package without
// init work, or one with no time and no allocation) and that neither zxcvbn
// nor regexp2 is linked or initialised.
func TestNoWorkAtInit(t *testing.T) {
	for _, dep := range strings.Fields(goCmd(t, "list", "-deps", "./testdata/initprobe")) {
		if strings.Contains(dep, "zxcvbn") || strings.Contains(dep, "regexp") {
			t.Errorf("a program importing strength links %s", dep)
		}
	}
	bin := filepath.Join(t.TempDir(), "initprobe")
	goCmd(t, "build", "-o", bin, "./testdata/initprobe")
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("initprobe: %v\n%s", err, out)
	}
	traced := 0
	for line := range strings.Lines(string(out)) {
		// init <package> @<start> ms, <clock> ms clock, <bytes> bytes, <allocs> allocs
		f := strings.Fields(line)
		if len(f) != 11 || f[0] != "init" {
			continue
		}
		traced++
		switch pkg := f[1]; {
		case strings.Contains(pkg, "zxcvbn") || strings.Contains(pkg, "regexp2"):
			t.Errorf("initprobe initialised %s: %s", pkg, line)
		case pkg == pkgPath:
			clock, _ := strconv.ParseFloat(f[4], 64)
			if clock >= 0.1 || f[9] != "0" {
				t.Errorf("strength's init costs something: %s", line)
			}
		}
	}
	if traced == 0 {
		t.Fatalf("no init trace in initprobe's output:\n%s", out)
	}
}

// TestZxcvbnOnlyInTests checks that nothing the module builds, tests aside,
// links trustelem/zxcvbn or its regexp2: it is here to compare with.
func TestZxcvbnOnlyInTests(t *testing.T) {
	for _, dep := range strings.Fields(goCmd(t, "list", "-deps", "github.com/partner-portal/portal/...")) {
		if strings.Contains(dep, "trustelem/zxcvbn") || strings.Contains(dep, "dlclark/regexp2") {
			t.Errorf("the module links %s outside its tests", dep)
		}
	}
}
