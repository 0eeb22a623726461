package accounts_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/portal"
	"github.com/partner-portal/portal/shared/store"
)

const inactivePassword = "Legacy-Cedar-Wharf-2001" // CTP-0003 of testdata/legacy-users.json, inactive

// TestLegacySyncNeedsActiveCredential: the import carries each legacy
// credential's status and only an active one syncs. A wrong password gets
// the answer it gets for an active id (401, counted toward both lockouts),
// so the status is told only to the right password (403 legacy_inactive,
// nothing synced, nothing counted); a locked id gets 401 whatever the
// status. Importing again with the credential active lets it sync; a synced
// credential keeps its status whatever a later file says.
func TestLegacySyncNeedsActiveCredential(t *testing.T) {
	var clock testenv.Clock
	d, base := testenv.Portal(t, nil, func(d *portal.Deps) {
		if err := d.WithClock(clock.Now); err != nil {
			t.Fatal(err)
		}
	})
	e := &env{t: t, d: d, url: base}
	e.legacyWorld()
	ctx := context.Background()
	sync := func(token, id, password string) testenv.Response {
		return e.call("POST", "/v1/legacy-sync", token, map[string]string{"legacyUserId": id, "legacyPassword": password})
	}
	type counts struct {
		FailedAttempts int    `dynamodbav:"failedAttempts"`
		SyncedBy       string `dynamodbav:"syncedBy"`
		Status         string `dynamodbav:"status"`
	}
	legacy := func(id string) counts {
		var c counts
		if _, err := d.Store.Get(ctx, store.Key{PK: "LEGACY#" + id, SK: "LEGACY"}, &c); err != nil {
			t.Fatal(err)
		}
		return c
	}

	email, id, tok := e.person("modern", "")
	wrongActive := sync(tok, "CTP-0001", "Not-The-Password-1")
	wrongInactive := sync(tok, "CTP-0003", "Not-The-Password-1")
	if wrongInactive.Status != 401 || string(wrongInactive.Body) != string(wrongActive.Body) {
		t.Errorf("wrong password, inactive id = %d %s; want what an active id gets: %d %s", wrongInactive.Status, wrongInactive.Body, wrongActive.Status, wrongActive.Body)
	}
	if c := legacy("CTP-0003"); c.FailedAttempts != 1 {
		t.Errorf("inactive id after a wrong password: %d failures; want 1", c.FailedAttempts)
	}
	r := sync(tok, "CTP-0003", inactivePassword)
	if r.Status != 403 || r.Code() != "legacy_inactive" {
		t.Fatalf("right password, inactive id = %d %s; want 403 legacy_inactive", r.Status, r.Body)
	}
	if c := legacy("CTP-0003"); c.SyncedBy != "" || c.FailedAttempts != 1 {
		t.Errorf("inactive id after the right password = %+v; want not synced, failures unchanged", c)
	}
	if u, _ := d.Users.Get(ctx, id); u.FailedAttempts != 2 {
		t.Errorf("user failures = %d; want 2 (the two wrong passwords, not the right one)", u.FailedAttempts)
	}
	if ms := e.must(e.call("GET", "/v1/me", tok, nil), 200).JSON()["memberships"].([]any); len(ms) != 0 {
		t.Errorf("memberships after a refused sync = %v", ms)
	}

	// A locked inactive id answers 401 to the right password too.
	for i := range 4 {
		_, _, g := e.person(fmt.Sprintf("guesser%d", i), "")
		if r := sync(g, "CTP-0003", fmt.Sprintf("Guess-%d-Legacy", i)); r.Status != 401 {
			t.Fatalf("guess %d = %d %s", i, r.Status, r.Body)
		}
	}
	_, _, other := e.person("other", "")
	if r := sync(other, "CTP-0003", inactivePassword); r.Status != 401 || r.Code() != "invalid_credentials" {
		t.Errorf("right password, locked inactive id = %d %s; want 401 invalid_credentials", r.Status, r.Body)
	}
	clock.Add(31 * time.Minute)
	tok = e.signIn(email) // the session idled out meanwhile

	// Reactivated in the legacy system and imported again: it syncs.
	users := []accounts.LegacyUser{{LegacyUserID: "CTP-0003", Status: accounts.LegacyActive, PasswordHash: "$argon2id$ignored-for-existing",
		Memberships: []accounts.LegacyMembership{{AccountID: "seed-importer-account", Role: accounts.User}}}}
	if res, err := d.Accounts.ImportLegacy(ctx, users); err != nil || res != (accounts.LegacyImport{Updated: 1}) {
		t.Fatalf("import with a new status = %+v, %v; want 1 updated", res, err)
	}
	r = e.must(sync(tok, "CTP-0003", inactivePassword), 200)
	if ms := r.JSON()["memberships"].([]any); len(ms) != 1 || ms[0].(map[string]any)["role"] != "owner" {
		t.Errorf("synced memberships = %v; want the owner role the first import gave (a re-import changes only the status)", ms)
	}
	// Synced: a later file closing it changes nothing.
	users[0].Status = accounts.LegacySuspended
	if res, err := d.Accounts.ImportLegacy(ctx, users); err != nil || res != (accounts.LegacyImport{}) {
		t.Errorf("import closing a synced credential = %+v, %v; want nothing changed", res, err)
	}
	if c := legacy("CTP-0003"); c.Status != accounts.LegacyActive || c.SyncedBy != id {
		t.Errorf("synced credential = %+v; want it kept active and synced by %s", c, id)
	}
}
