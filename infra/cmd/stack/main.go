// Command stack starts the local AWS stand-ins (DynamoDB Local, MinIO, SES
// local), runs a command with the AWS SDK pointed at them, and stops them
// when the command ends or on Ctrl-C. make test runs the suite under it:
//
//	stack -- go test ./...
//
// Without a command it prints the endpoints and runs until interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"sort"
	"syscall"

	"github.com/partner-portal/portal/infra/localstack"
	"github.com/partner-portal/portal/infra/provision"
	"github.com/partner-portal/portal/infra/samtemplate"
	"github.com/partner-portal/portal/infra/testenv"
)

func main() {
	os.Exit(run())
}

func run() int {
	template := flag.String("template", "template.yaml", "the SAM template whose bucket CORS rules MinIO applies")
	verbose := flag.Bool("v", false, "show the services' own output")
	portalURL := flag.String("portal-url", testenv.PortalURL, "the portal origin MinIO allows browser uploads from")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := startStack(ctx, *template, *portalURL, *verbose)
	if err != nil {
		fmt.Fprintln(os.Stderr, "stack:", err)
		return 1
	}
	defer st.Stop()

	env := st.Env()
	keys := make([]string, 0, len(env))
	for k, v := range env {
		os.Setenv(k, v)
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if flag.NArg() == 0 {
		for _, k := range keys {
			fmt.Printf("%s=%s\n", k, env[k])
		}
		fmt.Println("stack: running; Ctrl-C stops it")
		<-ctx.Done()
		return 0
	}
	return runCommand(ctx, flag.Args())
}

// startStack starts the local stack with MinIO allowing browser uploads as
// the template's bucket CORS rules say.
func startStack(ctx context.Context, template, portalURL string, verbose bool) (*localstack.Stack, error) {
	tpl, err := samtemplate.Load(template, map[string]string{"PortalUrl": portalURL})
	if err != nil {
		return nil, err
	}
	origins, err := provision.CORSOrigins(tpl)
	if err != nil {
		return nil, err
	}
	opts := localstack.Options{CORSOrigins: origins}
	if verbose {
		opts.Output = os.Stderr
	}
	return localstack.Start(ctx, opts)
}

// runCommand runs args[0] with args[1:] and returns its exit code; when ctx
// ends it sends the command SIGTERM.
func runCommand(ctx context.Context, args []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// The child shares our process group, so a terminal's Ctrl-C reaches it
	// directly; we only wait for it and then stop the stack.
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "stack:", err)
		return 1
	}
	go func() {
		<-ctx.Done()
		_ = cmd.Process.Signal(syscall.SIGTERM)
	}()
	err := cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "stack:", err)
		return 1
	}
	return 0
}
