// Command coldstart measures the cold start of every Lambda function beside
// three references (hello-world, hello-world behind the API Gateway adapter,
// and the bare SDK) and prints the table of docs/performance.md. make bench
// runs it from the module root:
//
//	coldstart [-runs 21] [function ...]
//
// Without function names it measures every folder under functions/.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/partner-portal/portal/infra/coldstart"
)

func main() {
	os.Exit(run())
}

func run() int {
	goCmd := flag.String("go", "go", "the go command that builds the binaries")
	runs := flag.Int("runs", 21, "counted starts of each binary")
	timeout := flag.Duration("timeout", 10*time.Second, "longest wait for one start")
	trace := flag.String("inittrace", "web", "binary whose package inits are listed (empty: none)")
	top := flag.Int("top", 5, "how many package inits to list")
	flag.Parse()

	fns := flag.Args()
	if len(fns) == 0 {
		var err error
		if fns, err = functionDirs(); err != nil {
			fmt.Fprintln(os.Stderr, "coldstart:", err)
			return 1
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := coldstart.Run(ctx, coldstart.Config{
		Go: *goCmd, Root: ".", Functions: fns, Runs: *runs, Timeout: *timeout, InitTrace: *trace, Top: *top,
	}, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		return 1
	}
	return 0
}

// functionDirs lists the folders under functions/.
func functionDirs() ([]string, error) {
	entries, err := os.ReadDir("functions")
	if err != nil {
		return nil, fmt.Errorf("run from the module root: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}
