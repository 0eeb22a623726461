package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partner-portal/portal/infra/localstack"
	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestImportCommand runs the command on the sample file twice against a
// fresh table: the first run imports both users, the second none.
func TestImportCommand(t *testing.T) {
	root, err := localstack.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	cfg := testenv.Config(t)
	bin := filepath.Join(t.TempDir(), "legacy-import")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	run := func() string {
		cmd := exec.Command(bin, "-file", filepath.Join(root, "testdata", "legacy-users.json"))
		cmd.Env = append(os.Environ(), "TABLE_NAME="+cfg.TableName, "BUCKET_NAME="+cfg.BucketName,
			"PORTAL_URL="+cfg.PortalURL, "MAIL_FROM="+cfg.MailFrom, "LOG_LEVEL=warn")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("legacy-import: %v\n%s", err, out)
		}
		return string(out)
	}
	if out := run(); !strings.Contains(out, "3 of 3 legacy users imported") {
		t.Errorf("first run said %q", out)
	}
	if out := run(); !strings.Contains(out, "0 of 3 legacy users imported (3 were already there, 0 of them with a new status)") {
		t.Errorf("second run said %q", out)
	}
	d := testenv.DepsWith(t, cfg)
	for id, status := range map[string]string{"CTP-0001": "active", "CTP-0003": "inactive"} {
		var item struct {
			PasswordHash string `dynamodbav:"passwordHash"`
			Status       string `dynamodbav:"status"`
		}
		found, err := d.Store.Get(context.Background(), store.Key{PK: "LEGACY#" + id, SK: "LEGACY"}, &item)
		if err != nil || !found || !strings.HasPrefix(item.PasswordHash, "$argon2id$") || item.Status != status {
			t.Errorf("imported %s: found=%v hash=%q status=%q err=%v; want status %s", id, found, item.PasswordHash, item.Status, err, status)
		}
	}
	cmd := exec.Command(bin)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "-file is required") {
		t.Errorf("without -file: %v %s", err, out)
	}
}
