package coldstart

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
)

// LambdaFlags are the Makefile's LAMBDA_FLAGS: how every bootstrap is built.
func LambdaFlags() []string {
	return []string{"-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w"}
}

// Target is one main package to build and measure.
type Target struct {
	Name string // as printed in the table
	Pkg  string // package path relative to the module root, e.g. ./functions/web
}

// References are the binaries every function is compared with, all under
// infra/coldstart/reference.
func References() []Target {
	return []Target{
		{Name: "hello-world", Pkg: "./infra/coldstart/reference/hello"},
		{Name: "hello + api-proxy", Pkg: "./infra/coldstart/reference/apiproxy"},
		{Name: "bare SDK", Pkg: "./infra/coldstart/reference/baresdk"},
	}
}

// BareSDK is the reference the table's ratio is taken against.
const BareSDK = "bare SDK"

// Build compiles targets for goos/goarch with CGO_ENABLED=0 and LambdaFlags,
// in one go build run from the module root, into dir; it returns each
// target's binary in the order of targets.
func Build(ctx context.Context, goCmd, root, dir, goos, goarch string, targets []Target) ([]string, error) {
	args := append([]string{"build"}, LambdaFlags()...)
	args = append(args, "-o", dir+string(filepath.Separator))
	paths := make([]string, len(targets))
	seen := map[string]string{}
	for i, t := range targets {
		base := path.Base(t.Pkg)
		if other, ok := seen[base]; ok {
			return nil, fmt.Errorf("%s and %s would build to the same file %s", other, t.Pkg, base)
		}
		seen[base] = t.Pkg
		args = append(args, t.Pkg)
		paths[i] = filepath.Join(dir, base)
	}
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go build %s/%s: %w\n%s", goos, goarch, err, out.String())
	}
	return paths, nil
}
