package accounts_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/portal"
	"github.com/partner-portal/portal/shared/store"
)

const legacyPassword = "Legacy-Anchor-Ledger-1998" // CTP-0001 of testdata/legacy-users.json

// TestLegacySyncRespectsLocks: legacy sync checks a secret, so a locked user
// is refused even with the right legacy password, and each legacy id has
// its own failure count and lock — five wrong passwords from five different
// users lock it for everyone until the lock runs out.
func TestLegacySyncRespectsLocks(t *testing.T) {
	var clock testenv.Clock
	d, base := testenv.Portal(t, nil, func(d *portal.Deps) {
		if err := d.WithClock(clock.Now); err != nil {
			t.Fatal(err)
		}
	})
	e := &env{t: t, d: d, url: base}
	e.legacyWorld()
	sync := func(token, password string) testenv.Response {
		return e.call("POST", "/v1/legacy-sync", token, map[string]string{"legacyUserId": "CTP-0001", "legacyPassword": password})
	}
	memberships := func(token string) int {
		return len(e.must(e.call("GET", "/v1/me", token, nil), 200).JSON()["memberships"].([]any))
	}

	// A locked user: the right legacy password gets the wrong one's answer.
	lockedEmail, _, lockedToken := e.person("locked", "")
	for i := range 5 {
		e.call("POST", "/v1/sessions", "", map[string]string{"email": lockedEmail, "password": fmt.Sprintf("Wrong-Password-%d", i)})
	}
	wrong := sync(lockedToken, "Not-The-Legacy-Password-1")
	right := sync(lockedToken, legacyPassword)
	if right.Status != 401 || right.Code() != "invalid_credentials" || string(right.Body) != string(wrong.Body) {
		t.Fatalf("locked user, right legacy password = %d %s; want the 401 a wrong one gets (%s)", right.Status, right.Body, wrong.Body)
	}
	if n := memberships(lockedToken); n != 0 {
		t.Fatalf("a locked user synced %d memberships", n)
	}

	// Guesses spread over five users lock the legacy id itself.
	for i := range 5 {
		_, _, tok := e.person(fmt.Sprintf("guesser%d", i), "")
		if r := sync(tok, fmt.Sprintf("Guess-Number-%d-Legacy", i)); r.Status != 401 {
			t.Fatalf("guess %d = %d %s", i, r.Status, r.Body)
		}
	}
	var item struct {
		FailedAttempts int   `dynamodbav:"failedAttempts"`
		LockedUntil    int64 `dynamodbav:"lockedUntil"`
	}
	if _, err := d.Store.Get(context.Background(), store.Key{PK: "LEGACY#CTP-0001", SK: "LEGACY"}, &item); err != nil {
		t.Fatal(err)
	}
	if item.FailedAttempts != 5 || item.LockedUntil <= clock.Now().Unix() {
		t.Fatalf("legacy id after 5 wrong passwords from 5 users: %d failures, locked until %d; want locked", item.FailedAttempts, item.LockedUntil)
	}
	honestEmail, _, honest := e.person("honest", "")
	if r := sync(honest, legacyPassword); r.Status != 401 || r.Code() != "invalid_credentials" {
		t.Fatalf("right password on a locked legacy id = %d %s; want 401", r.Status, r.Body)
	}
	if n := memberships(honest); n != 0 {
		t.Fatalf("a locked legacy id synced %d memberships", n)
	}

	// Once the lock runs out the right password syncs.
	clock.Add(31 * time.Minute)
	honest = e.signIn(honestEmail)
	if r := sync(honest, legacyPassword); r.Status != 200 {
		t.Fatalf("sync after the legacy lock ran out = %d %s; want 200", r.Status, r.Body)
	}
	if n := memberships(honest); n != 1 {
		t.Errorf("after the sync: %d memberships; want 1", n)
	}
}
