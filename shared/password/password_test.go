package password

import (
	"strings"
	"testing"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/strength"
)

var fast = Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1}

func TestHashAndVerify(t *testing.T) {
	phc, err := Hash("correct horse", DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("Hash = %q; want a PHC string with the default parameters", phc)
	}
	other, _ := Hash("correct horse", DefaultParams)
	if other == phc {
		t.Errorf("two hashes of one password are equal: the salt is not random")
	}
	if ok, err := Verify("correct horse", phc); !ok || err != nil {
		t.Errorf("Verify(right) = %v, %v", ok, err)
	}
	if ok, _ := Verify("correct horsE", phc); ok {
		t.Errorf("Verify(wrong) = true")
	}
}

func TestNeedsRehash(t *testing.T) {
	weak, _ := Hash("pw", fast)
	strong, _ := Hash("pw", DefaultParams)
	tests := []struct {
		phc  string
		want bool
	}{
		{weak, true},
		{strong, false},
		{"garbage", true},
	}
	for _, tt := range tests {
		if got := NeedsRehash(tt.phc, DefaultParams); got != tt.want {
			t.Errorf("NeedsRehash(%.30q) = %v; want %v", tt.phc, got, tt.want)
		}
	}
}

func TestMalformedHashes(t *testing.T) {
	good, _ := Hash("pw", fast)
	parts := strings.Split(good, "$")
	for _, bad := range []string{
		"",
		"$argon2i$v=19$m=64,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=16$m=64,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=99999999,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=64,t=0,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=64,t=1,p=1$!!!$" + parts[5],
		"$argon2id$v=19$m=64,t=1,p=1$" + parts[4],
	} {
		if ok, err := Verify("pw", bad); ok || err == nil {
			t.Errorf("Verify(%q) = %v, %v; want ErrMalformed", bad, ok, err)
		}
	}
	h, err := NewHasher(fast)
	if err != nil {
		t.Fatal(err)
	}
	if h.Verify("pw", "") || h.Verify("pw", "garbage") {
		t.Errorf("Hasher.Verify against nothing or garbage = true")
	}
}

func TestPolicyUnit(t *testing.T) {
	if got := DefaultPolicy.Check("glacier orchard velvet compass", "pat@trade.example", "Pat"); len(got) != 1 || got[0].Rule != "common_password" {
		t.Errorf("Check without a Guesser = %v; want common_password (unchecked passwords are refused)", got)
	}
	p := DefaultPolicy
	p.Guesser = &strength.Estimator{}
	if got := p.Check("glacier orchard velvet compass", "pat@trade.example", "Pat Partner"); len(got) != 0 {
		t.Errorf("Check(passphrase) = %v; want none", got)
	}
	got := p.Check("PatPartner2026!", "trade.desk@trade.example", "Pat Partner")
	if len(got) != 1 || got[0].Rule != "common_password" {
		t.Errorf("Check(name-based) = %v; want common_password (the name is a user input to zxcvbn)", got)
	}
	hasRule := func(ds []fault.Detail, rule string) bool {
		for _, d := range ds {
			if d.Rule == rule {
				return true
			}
		}
		return false
	}
	if got := p.Check("éàüöñçøåæœßð", "x@y.example", ""); hasRule(got, "min_length") {
		t.Errorf("Check(12 accented letters) = %v; length counts characters, not bytes", got)
	}
	if got := p.Check("éàüöñçøåæœß", "x@y.example", ""); !hasRule(got, "min_length") {
		t.Errorf("Check(11 accented letters, 22 bytes) = %v; want min_length", got)
	}
	var names []string
	for _, r := range (Policy{MinLength: 12, MaxLength: 128, Composition: true, History: 5}).Rules() {
		names = append(names, r.Rule)
	}
	if strings.Join(names, ",") != "min_length,max_length,common_password,contains_email,uppercase,lowercase,digit,special,reused" {
		t.Errorf("Rules() = %v", names)
	}
}

// TestDummyHashCostsOneVerification checks the unknown-user path: an empty
// stored hash is checked against a well-formed dummy under the configured
// parameters (so it costs one argon2id, like a real one), and never matches.
func TestDummyHashCostsOneVerification(t *testing.T) {
	p := Params{MemoryKiB: 8192, Iterations: 1, Parallelism: 1}
	h, err := NewHasher(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"", "dummy password for timing parity", "correct horse battery staple"} {
		if h.Verify(secret, "") {
			t.Errorf("Verify(%q, \"\") = true; want false", secret)
		}
	}
	phc, err := h.Hash("a password")
	if err != nil {
		t.Fatal(err)
	}
	if NeedsRehash(phc, p) {
		t.Errorf("fresh hash %q needs a rehash", phc)
	}
	if _, err := Verify("a password", h.dummy); err != nil {
		t.Errorf("the dummy hash %q is malformed: %v", h.dummy, err)
	}
	if NeedsRehash(h.dummy, p) {
		t.Errorf("dummy hash %q is weaker than %+v: its check would cost less than a real one", h.dummy, p)
	}
}
