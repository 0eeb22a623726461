package coldstart

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/partner-portal/portal/infra/localstack"
)

// helperEnv makes the test binary, started again by a test, act as a
// function: see TestMain.
const helperEnv = "COLDSTART_TEST_HELPER"

// TestMain lets the tests start this very binary as a Lambda function with
// the real aws-lambda-go runtime loop, or as one that fails at init.
func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "lambda":
		fmt.Println("pid", os.Getpid())
		lambda.Start(func(context.Context) error { return nil })
	case "exit":
		fmt.Fprintln(os.Stderr, "configuration: TABLE_NAME: missing")
		os.Exit(1)
	case "hang":
		fmt.Println("pid", os.Getpid())
		select {}
	}
}

func helper(t *testing.T, mode string) (path string, env []string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe, []string{helperEnv + "=" + mode}
}

// gone fails the test if the process whose "pid N" line is in out still runs.
func gone(t *testing.T, out string) {
	t.Helper()
	var pid int
	if _, err := fmt.Sscanf(out, "pid %d", &pid); err != nil {
		t.Fatalf("no pid in the output %q", out)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process %d still there after Start (kill 0: %v); want it killed and reaped", pid, err)
	}
}

func TestStartTimesAFunctionAndKillsIt(t *testing.T) {
	path, env := helper(t, "lambda")
	before := time.Now()
	s, err := Start(context.Background(), path, env, t.TempDir(), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if s.Init <= 0 || s.Init > time.Since(before) {
		t.Errorf("Start().Init = %v; want between 0 and %v", s.Init, time.Since(before))
	}
	if s.CPU <= 0 || s.MaxRSS < 1<<20 {
		t.Errorf("Start() used %v CPU and %d bytes at most; want both measured", s.CPU, s.MaxRSS)
	}
	gone(t, s.Output)
}

func TestStartReportsAFunctionThatExits(t *testing.T) {
	path, env := helper(t, "exit")
	_, err := Start(context.Background(), path, env, t.TempDir(), 10*time.Second)
	var exit *ExitError
	if !errors.As(err, &exit) || !strings.Contains(err.Error(), "TABLE_NAME: missing") {
		t.Errorf("Start() = %v; want an ExitError with the function's message", err)
	}
}

func TestStartGivesUpOnAFunctionThatNeverAsks(t *testing.T) {
	path, env := helper(t, "hang")
	// Long enough for the helper to start and print its pid on a busy machine.
	s, err := Start(context.Background(), path, env, t.TempDir(), 3*time.Second)
	if !errors.Is(err, errTimeout) {
		t.Errorf("Start() = %v; want %v", err, errTimeout)
	}
	gone(t, s.Output)
}

func TestMeasureInterleavesAndSkipsTheWarmUp(t *testing.T) {
	path, env := helper(t, "lambda")
	bins := []Binary{{Name: "a", Path: path, Size: 1}, {Name: "b", Path: path, Size: 2}}
	got, err := Measure(context.Background(), bins, Options{
		Runs: 3, Env: env, Dir: t.TempDir(), Timeout: 10 * time.Second, Rand: rand.New(rand.NewPCG(1, 2)),
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range got {
		if r.Binary != bins[i] || len(r.Samples) != 3 {
			t.Errorf("Measure()[%d] = %v with %d samples; want %v with 3", i, r.Binary, len(r.Samples), bins[i])
		}
	}
}

// TestReferencesStartUnderEnv builds the references and the web function as
// make bench does and starts each once with Env: they must reach their first
// next request without any connection to the AWS endpoints.
func TestReferencesStartUnderEnv(t *testing.T) {
	targets := append(References(), Target{Name: "web", Pkg: "./functions/web"})
	paths, sink := buildForHost(t, targets)
	for i, p := range paths {
		if _, err := Start(context.Background(), p, Env(sink.URL()), t.TempDir(), 30*time.Second); err != nil {
			t.Errorf("%s: Start() = %v", targets[i].Name, err)
		}
	}
	if n := sink.Conns(); n != 0 {
		t.Errorf("%d connections to the AWS endpoints while starting; want 0", n)
	}
}

func TestSinkCountsConnections(t *testing.T) {
	sink, err := StartSink()
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	if _, err := http.Get(sink.URL() + "/"); err == nil {
		t.Error("GET on the sink succeeded; want the connection dropped")
	}
	if n := sink.Conns(); n != 1 {
		t.Errorf("Conns() = %d after one GET; want 1", n)
	}
}

// TestLambdaFlagsAreTheMakefiles: the measured binaries must be built as make
// build builds them.
func TestLambdaFlagsAreTheMakefiles(t *testing.T) {
	root, err := localstack.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	want := "LAMBDA_FLAGS := " + strings.Join(quoted(LambdaFlags()), " ")
	for _, line := range strings.Split(string(mk), "\n") {
		if strings.HasPrefix(line, "LAMBDA_FLAGS") {
			if line != want {
				t.Errorf("Makefile has %q; LambdaFlags() says %q", line, want)
			}
			return
		}
	}
	t.Error("no LAMBDA_FLAGS in the Makefile")
}

// buildForHost builds targets for this machine with the Lambda flags, as make
// bench does, and starts a Sink (closed when the test ends) for their AWS
// endpoints.
func buildForHost(t *testing.T, targets []Target) ([]string, *Sink) {
	t.Helper()
	root, err := localstack.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	paths, err := Build(context.Background(), "go", root, t.TempDir(), runtime.GOOS, runtime.GOARCH, targets)
	if err != nil {
		t.Fatal(err)
	}
	sink, err := StartSink()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	return paths, sink
}
