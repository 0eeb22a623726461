// Command legacy-import loads legacy credentials (legacy user id, argon2id
// password hash, memberships) from a JSON file into the portal's table, so
// their owners can sync them once with POST /v1/legacy-sync:
//
//	TABLE_NAME=partner-portal legacy-import -file testdata/legacy-users.json
//
// It reads the same environment as the functions (TABLE_NAME, the AWS
// endpoint variables). Each record carries the credential's status in the
// legacy system (active, inactive, suspended); only an active credential can
// be synced. Credentials already imported keep their hash and memberships and
// take the file's status, unless they were synced already.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/portal"
)

func main() {
	file := flag.String("file", "", "the JSON file of legacy users ({\"users\":[…]})")
	flag.Parse()
	if err := run(*file); err != nil {
		fmt.Fprintln(os.Stderr, "legacy-import:", err)
		os.Exit(1)
	}
}

func run(file string) error {
	if file == "" {
		return fmt.Errorf("-file is required")
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	users, err := accounts.ReadLegacyFile(f)
	if err != nil {
		return err
	}
	ctx := context.Background()
	deps, err := portal.FromEnv(ctx)
	if err != nil {
		return err
	}
	res, err := deps.Accounts.ImportLegacy(ctx, users)
	if err != nil {
		return err
	}
	fmt.Printf("legacy-import: %d of %d legacy users imported (%d were already there, %d of them with a new status)\n",
		res.Added, len(users), len(users)-res.Added, res.Updated)
	return nil
}
