package coldstart

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Config is one measurement: what to build, how often to start it, and which
// binary's package inits to list.
type Config struct {
	Go        string   // the go command
	Root      string   // the module root
	Functions []string // folder names under functions/
	Runs      int      // counted starts of each binary
	Timeout   time.Duration
	InitTrace string // binary whose most expensive package inits are listed; "" for none
	Top       int    // how many of them
}

// Run builds every function and reference twice in one run — for this
// machine, to start them, and for linux/arm64, to weigh them — measures their
// cold starts and writes the report to w; progress goes to log.
func Run(ctx context.Context, c Config, w, log io.Writer) error {
	targets := make([]Target, 0, len(c.Functions)+len(References()))
	for _, f := range c.Functions {
		targets = append(targets, Target{Name: f, Pkg: "./functions/" + f})
	}
	targets = append(targets, References()...)

	tmp, err := os.MkdirTemp("", "coldstart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	task := filepath.Join(tmp, "task") // the binaries' working directory: empty, as nothing is read from it
	if err := os.Mkdir(task, 0o755); err != nil {
		return err
	}

	began := time.Now()
	fmt.Fprintf(log, "coldstart: building %d binaries for %s/%s and linux/arm64\n", len(targets), runtime.GOOS, runtime.GOARCH)
	bins, err := buildBoth(ctx, c, tmp, targets)
	if err != nil {
		return err
	}
	built := time.Since(began)

	sink, err := StartSink()
	if err != nil {
		return err
	}
	defer sink.Close()
	env := Env(sink.URL())

	began = time.Now()
	fmt.Fprintf(log, "coldstart: %d rounds of %d starts (and one not counted) ", c.Runs, len(bins))
	results, err := Measure(ctx, bins, Options{
		Runs: c.Runs, Env: env, Dir: task, Timeout: c.Timeout,
		Rand: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0)), Progress: log,
	})
	if err != nil {
		return err
	}
	measured := time.Since(began)

	fmt.Fprintf(w, "\nCold start: exec → first GET %s against a fake Runtime API on 127.0.0.1.\n", NextPath)
	fmt.Fprintf(w, "Started on %s/%s (%d CPUs, %s), built for it; sizes are the linux/arm64 build of the same run.\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(w, "Both builds: CGO_ENABLED=0 go build %s.\n", strings.Join(quoted(LambdaFlags()), " "))
	fmt.Fprintf(w, "Median and quartiles of %d starts each, interleaved: one start of every binary a round, in random order, after a round not counted.\n", c.Runs)
	fmt.Fprintf(w, "CPU is the process's user + system time and max RSS its peak resident set, both by its first next (medians).\n")
	fmt.Fprintf(w, "Every binary gets the same environment (every function's settings, dummy credentials, AWS endpoints on a loopback sink).\n\n")
	if err := WriteTable(w, Summarise(results), BareSDK, "hello + api-proxy"); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nConnections to the AWS endpoints while starting: %d\n", sink.Conns())
	fmt.Fprintf(w, "Build %.1f s, measurement %.1f s.\n", built.Seconds(), measured.Seconds())

	if c.InitTrace == "" {
		return nil
	}
	return writeInitTrace(ctx, w, c, bins, env, task)
}

// buildBoth builds targets for this machine and for linux/arm64 and returns
// the binaries to start, each with its arm64 size.
func buildBoth(ctx context.Context, c Config, tmp string, targets []Target) ([]Binary, error) {
	host, err := Build(ctx, c.Go, c.Root, filepath.Join(tmp, "host"), runtime.GOOS, runtime.GOARCH, targets)
	if err != nil {
		return nil, err
	}
	arm, err := Build(ctx, c.Go, c.Root, filepath.Join(tmp, "arm64"), "linux", "arm64", targets)
	if err != nil {
		return nil, err
	}
	bins := make([]Binary, len(targets))
	for i, t := range targets {
		fi, err := os.Stat(arm[i])
		if err != nil {
			return nil, err
		}
		bins[i] = Binary{Name: t.Name, Path: host[i], Size: fi.Size()}
	}
	return bins, nil
}

func writeInitTrace(ctx context.Context, w io.Writer, c Config, bins []Binary, env []string, dir string) error {
	const runs = 5
	for _, b := range bins {
		if b.Name != c.InitTrace {
			continue
		}
		costs, err := InitTrace(ctx, b.Path, env, dir, c.Timeout, runs)
		if err != nil {
			return fmt.Errorf("inittrace %s: %w", b.Name, err)
		}
		var total time.Duration
		for _, ic := range costs {
			total += ic.Clock
		}
		fmt.Fprintf(w, "\nThe %d most expensive package inits of %s (GODEBUG=inittrace=1, median of %d starts; all %d packages: %s ms):\n\n",
			min(c.Top, len(costs)), b.Name, runs, len(costs), ms(total))
		fmt.Fprintf(w, "| package | init | allocated |\n|---|--:|--:|\n")
		for _, ic := range costs[:min(c.Top, len(costs))] {
			fmt.Fprintf(w, "| %s | %s ms | %s bytes |\n", ic.Pkg, ms(ic.Clock), groupDigits(ic.Bytes))
		}
		return nil
	}
	return fmt.Errorf("inittrace: no binary named %q", c.InitTrace)
}

func quoted(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \t") {
			a = `"` + a + `"`
		}
		out[i] = a
	}
	return out
}
