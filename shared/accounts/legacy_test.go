package accounts_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/partner-portal/portal/infra/localstack"
	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/identity"
)

// legacyWorld seeds the account the sample file names and imports the file.
func (e *env) legacyWorld() {
	e.t.Helper()
	ctx := context.Background()
	if err := e.d.Accounts.SeedAccount(ctx, accounts.Organization{ID: "seed-importer-group", Name: "Importer Example Group"},
		account.Account{ID: "seed-importer-account", Name: "Importer Example Inc.", EntityType: "importer",
			Programs: []string{"ctpat_security"}, ReviewDueDate: "2027-06-30"}, nil); err != nil {
		e.t.Fatal(err)
	}
	root, err := localstack.ModuleRoot()
	if err != nil {
		e.t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(root, "testdata", "legacy-users.json"))
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	users, err := accounts.ReadLegacyFile(f)
	if err != nil {
		e.t.Fatal(err)
	}
	if res, err := e.d.Accounts.ImportLegacy(ctx, users); err != nil || res != (accounts.LegacyImport{Added: 3}) {
		e.t.Fatalf("ImportLegacy = %+v, %v; want 3 added", res, err)
	}
	if res, _ := e.d.Accounts.ImportLegacy(ctx, users); res != (accounts.LegacyImport{}) {
		e.t.Errorf("importing again = %+v; want nothing added or changed", res)
	}
}

func TestLegacySync(t *testing.T) {
	e := newEnv(t)
	e.legacyWorld()
	_, id, tok := e.person("modern", "")
	sync := func(token, legacyID, password string) int {
		return e.call("POST", "/v1/legacy-sync", token, map[string]string{"legacyUserId": legacyID, "legacyPassword": password}).Status
	}
	r := e.call("POST", "/v1/legacy-sync", tok, map[string]string{"legacyUserId": "CTP-0001", "legacyPassword": "Wrong-Legacy-Pass-1"})
	if r.Status != 401 || r.Code() != "invalid_credentials" {
		t.Errorf("wrong legacy password = %d %s; want 401 invalid_credentials", r.Status, r.Body)
	}
	if got := sync(tok, "CTP-9999", "Legacy-Anchor-Ledger-1998"); got != 401 {
		t.Errorf("unknown legacy id = %d; want 401", got)
	}
	u, _ := e.d.Users.Get(context.Background(), id)
	if u.FailedAttempts != 2 {
		t.Errorf("failed attempts after two wrong syncs = %d; want 2 (they count toward the lockout)", u.FailedAttempts)
	}
	if got := sync("", "CTP-0001", "Legacy-Anchor-Ledger-1998"); got != 401 {
		t.Errorf("without a session = %d; want 401", got)
	}
	r = e.must(e.call("POST", "/v1/legacy-sync", tok, map[string]string{"legacyUserId": "CTP-0001", "legacyPassword": "Legacy-Anchor-Ledger-1998"}), 200)
	ms := r.JSON()["memberships"].([]any)
	if len(ms) != 1 || ms[0].(map[string]any)["accountId"] != "seed-importer-account" || ms[0].(map[string]any)["role"] != "poc" {
		t.Errorf("synced memberships = %v", ms)
	}
	me := e.must(e.call("GET", "/v1/me", tok, nil), 200).JSON()["memberships"].([]any)
	if len(me) != 1 || me[0].(map[string]any)["organizationName"] != "Importer Example Group" {
		t.Errorf("/v1/me after the sync = %v", me)
	}
	if got := sync(tok, "CTP-0001", "Legacy-Anchor-Ledger-1998"); got != 409 {
		t.Errorf("second sync = %d; want 409", got)
	}
	_, _, other := e.person("other", "")
	r = e.call("POST", "/v1/legacy-sync", other, map[string]string{"legacyUserId": "CTP-0001", "legacyPassword": "Legacy-Anchor-Ledger-1998"})
	if r.Status != 409 || r.Code() != "already_synced" {
		t.Errorf("another user syncing the same id = %d %s; want 409 already_synced", r.Status, r.Body)
	}
	if r := e.call("POST", "/v1/legacy-sync", tok, map[string]string{"legacyUserId": ""}); r.Status != 400 {
		t.Errorf("empty request = %d; want 400", r.Status)
	}
}

func TestLegacySyncConcurrent(t *testing.T) {
	e := newEnv(t)
	e.legacyWorld()
	var tokens []string
	for range 5 {
		_, _, tok := e.person("racer", identity.StaffRole(""))
		tokens = append(tokens, tok)
	}
	var wg sync.WaitGroup
	statuses := make([]int, len(tokens))
	for i, tok := range tokens {
		wg.Go(func() {
			statuses[i] = e.call("POST", "/v1/legacy-sync", tok, map[string]string{"legacyUserId": "CTP-0002", "legacyPassword": "Legacy-Beacon-Quay-2004"}).Status
		})
	}
	wg.Wait()
	ok, conflict := 0, 0
	for _, s := range statuses {
		switch s {
		case 200:
			ok++
		case 409:
			conflict++
		}
	}
	if ok != 1 || conflict != 4 {
		t.Errorf("5 concurrent syncs of one legacy id = %v; want one 200 and four 409", statuses)
	}
	// Exactly one of them became a member.
	members := 0
	for _, tok := range tokens {
		if ms := e.must(e.call("GET", "/v1/me", tok, nil), 200).JSON()["memberships"].([]any); len(ms) == 1 {
			members++
		}
	}
	if members != 1 {
		t.Errorf("%d users hold the synced memberships; want 1", members)
	}
}

func TestReadLegacyFileRefusesBadRecords(t *testing.T) {
	for _, bad := range []string{
		`{"users":[{"legacyUserId":"","passwordHash":"$argon2id$v=19$m=19456,t=2,p=1$Z0TI8Cc8aN8Dnh0//4iaWg$v478LUhrKR1N9KFuXRRPAexU+cOWYzeSI63mgCghl4Y"}]}`,
		`{"users":[{"legacyUserId":"X","passwordHash":"plaintext"}]}`,
		`{"users":[{"legacyUserId":"X","passwordHash":"$argon2id$v=19$m=1,t=1,p=1$AA$AA"}]}`,
		`{"users":[{"legacyUserId":"X","passwordHash":"$argon2id$v=19$m=19456,t=2,p=1$Z0TI8Cc8aN8Dnh0//4iaWg$v478LUhrKR1N9KFuXRRPAexU+cOWYzeSI63mgCghl4Y","memberships":[{"accountId":"a","role":"emperor"}]}]}`,
		`{"users":[{"legacyUserId":"X","passwordHash":"$argon2id$v=19$m=19456,t=2,p=1$Z0TI8Cc8aN8Dnh0//4iaWg$v478LUhrKR1N9KFuXRRPAexU+cOWYzeSI63mgCghl4Y"}]}`,
		`{"users":[{"legacyUserId":"X","status":"retired","passwordHash":"$argon2id$v=19$m=19456,t=2,p=1$Z0TI8Cc8aN8Dnh0//4iaWg$v478LUhrKR1N9KFuXRRPAexU+cOWYzeSI63mgCghl4Y"}]}`,
		`not json`,
	} {
		if _, err := accounts.ReadLegacyFile(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadLegacyFile(%.60q) = nil error", bad)
		}
	}
}
