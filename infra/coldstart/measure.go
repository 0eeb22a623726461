package coldstart

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"slices"
	"time"
)

// Binary is one built bootstrap to measure.
type Binary struct {
	Name string // as printed in the table
	Path string // built for this machine
	Size int64  // bytes of the linux/arm64 build, the one Lambda runs
}

// Sample is one start of a binary, up to its first next request.
type Sample struct {
	Init   time.Duration // exec → first next request
	CPU    time.Duration // user + system time the process used by then
	MaxRSS int64         // its peak resident set, bytes
	Output string        // what it wrote to stdout and stderr
}

// Result is every start measured for one binary.
type Result struct {
	Binary  Binary
	Samples []Sample
}

// Options say how to start each binary.
type Options struct {
	Runs    int           // counted rounds; every binary starts once a round
	Env     []string      // the whole environment (AWS_LAMBDA_RUNTIME_API is added)
	Dir     string        // working directory, as /var/task is on Lambda
	Timeout time.Duration // per start
	Rand    *rand.Rand    // the order within each round
	// Progress, if set, gets a dot per round.
	Progress io.Writer
}

// Measure starts every binary o.Runs times, interleaved so that machine noise
// spreads over all of them: each round starts every binary once, in a fresh
// random order. A first round is not counted; it brings the binaries into the
// page cache, so no binary pays for a disk read the others do not.
func Measure(ctx context.Context, bins []Binary, o Options) ([]Result, error) {
	results := make([]Result, len(bins))
	for i, b := range bins {
		results[i] = Result{Binary: b, Samples: make([]Sample, 0, o.Runs)}
	}
	order := make([]int, len(bins))
	for i := range order {
		order[i] = i
	}
	for round := 0; round <= o.Runs; round++ {
		o.Rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			s, err := Start(ctx, bins[i].Path, o.Env, o.Dir, o.Timeout)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", bins[i].Name, err)
			}
			if round > 0 {
				s.Output = "" // not kept: the table does not need it
				results[i].Samples = append(results[i].Samples, s)
			}
		}
		if o.Progress != nil {
			fmt.Fprint(o.Progress, ".")
		}
	}
	if o.Progress != nil {
		fmt.Fprintln(o.Progress)
	}
	return results, nil
}

// Start execs path once with env against a fresh fake Runtime API, kills it
// at its first next request and returns the time from exec to that request,
// the resources it used by then and what it wrote.
func Start(ctx context.Context, path string, env []string, dir string, timeout time.Duration) (Sample, error) {
	api, err := StartRuntimeAPI()
	if err != nil {
		return Sample{}, fmt.Errorf("fake runtime api: %w", err)
	}
	defer api.Close()

	var out bytes.Buffer // one writer for both, so exec writes from one goroutine at a time
	cmd := exec.Command(path)
	cmd.Dir = dir
	cmd.Env = append(slices.Clip(env), "AWS_LAMBDA_RUNTIME_API="+api.Addr())
	cmd.Stdout, cmd.Stderr = &out, &out

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Sample{}, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	at, err := api.waitNext(ctx, exited, timeout)
	var gone *ExitError
	if !errors.As(err, &gone) {
		_ = cmd.Process.Kill()
		<-exited
	}
	s := Sample{Output: out.String()}
	if err != nil {
		return s, fmt.Errorf("%w; output: %q", err, tail(s.Output, 2000))
	}
	s.Init = at.Sub(start)
	s.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	s.MaxRSS = maxRSS(cmd.ProcessState)
	return s, nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
