package strength

import (
	"testing"

	"github.com/trustelem/zxcvbn"
)

// typical are passwords like the ones people choose at sign-up: common ones
// and their disguises, names with years, keyboard walks, passphrases.
func typical() []string {
	return []string{
		"password1234", "P@ssw0rd2024!", "Jessica1987", "qwertyuiop123", "1qaz2wsx3edc",
		"Harbour-Lantern-Tide-2026", "glacier orchard velvet compass", "correcthorsebatterystaple",
		"Tr0ub4dor&3", "kJ8#pQ2!vX9m", "19/05/1987", "aaaaaaaaaaaa",
	}
}

// BenchmarkLoad is the first estimate's extra cost: reading the lists and
// building the keyboards.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var e Estimator
		if err := e.Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGuesses is one estimate, loaded, averaged over typical().
func BenchmarkGuesses(b *testing.B) {
	var e Estimator
	if err := e.Load(); err != nil {
		b.Fatal(err)
	}
	pws, user := typical(), []string{"pat", "partner"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e.Guesses(pws[i%len(pws)], user)
		i++
	}
}

// BenchmarkZxcvbnGuesses is the same with trustelem/zxcvbn, for comparison.
func BenchmarkZxcvbnGuesses(b *testing.B) {
	pws, user := typical(), []string{"pat", "partner"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		zxcvbn.PasswordStrength(pws[i%len(pws)], user)
		i++
	}
}
