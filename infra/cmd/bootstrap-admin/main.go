// Command bootstrap-admin makes the first admin of a fresh deployment. Run
// it once, with the auth function's environment (TABLE_NAME, MAIL_FROM,
// PORTAL_URL, SES_CONFIGURATION_SET and the AWS credentials of someone
// allowed to write the table):
//
//	bootstrap-admin -email ada@agency.example
//
// It mails a one-time link to the address, which opens the portal's
// invitation page; following it creates the admin. It never creates or
// prints a password. With -print-link it prints the link instead of mailing
// it (for when SES cannot reach the address yet): treat that output like a
// password.
//
// It refuses (exit status 1, a message on stderr) when the portal has an
// admin: the invitation is written only while the admins counter is zero,
// and signing up from it holds only while it still is, so a second admin
// never comes from here. Running it again before the link is used replaces
// the link.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/lambdaenv"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/portal/apifn"
	"github.com/partner-portal/portal/shared/portal/authfn"
	"github.com/partner-portal/portal/shared/staff"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}

// run is the command: its exit status, what it says on stdout and, when it
// fails or refuses, on stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("bootstrap-admin", flag.ContinueOnError)
	flags.SetOutput(stderr)
	email := flags.String("email", "", "the first admin's email address (required)")
	printLink := flags.Bool("print-link", false, "print the one-time link instead of mailing it; treat the output like a password")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	addr, err := mail.Normalize(*email)
	if err != nil {
		fmt.Fprintln(stderr, "bootstrap-admin: -email must be a valid email address")
		return 2
	}
	svc, err := build(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "bootstrap-admin:", err)
		return 1
	}
	iss, err := svc.Bootstrap(ctx, addr)
	if errors.Is(err, identity.ErrAdminExists) {
		fmt.Fprintln(stderr, "bootstrap-admin: refused: the portal has an admin already; admins invite further staff in the portal (POST /v1/staff/invitations)")
		return 1
	}
	if err == nil && !*printLink {
		err = svc.MailBootstrap(ctx, iss)
	}
	if err != nil {
		fmt.Fprintln(stderr, "bootstrap-admin:", err)
		return 1
	}
	expires := time.Unix(iss.ExpiresAt, 0).UTC().Format(time.RFC3339)
	if *printLink {
		fmt.Fprintf(stdout, "One-time link for %s, until %s (it works once, while the portal has no admin):\n%s\n", addr, expires, iss.Link)
		return 0
	}
	fmt.Fprintf(stdout, "Invitation mailed to %s; the link works once, until %s, while the portal has no admin.\n", addr, expires)
	return 0
}

// build makes the staff service the way the auth function does, from the
// same environment.
func build(ctx context.Context) (*staff.Service, error) {
	base, err := lambdaenv.Load(ctx)
	if err != nil {
		return nil, err
	}
	s, serr := authfn.SettingsFrom(base.Env)
	p, err := apifn.FromBase(base, s.API())
	if err := errors.Join(serr, err); err != nil {
		return nil, err
	}
	f, err := authfn.Build(p, s)
	if err != nil {
		return nil, err
	}
	return f.Staff, nil
}
