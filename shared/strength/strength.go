// Package strength estimates how many guesses a password would cost an
// attacker who tries common and breached passwords, names, words, keyboard
// patterns, dates and the user's own details first.
//
// It follows zxcvbn (Wheeler, USENIX Security 2016): the password is matched
// against ranked frequency lists (zxcvbn's own: common passwords, English
// words, names and surnames, TV and film words, with l33t substitutions,
// reversals and capitals), keyboard walks, repeats, sequences, years and
// dates, and the estimate is the product of the guesses of the best covering
// sequence of matches, found by dynamic programming.
//
// Nothing happens at package init: the lists are embedded compressed and are
// read, with the keyboard layouts, on the first estimate (or on Load), so a
// function that never checks a password pays for them neither at start nor
// in memory.
package strength

import (
	"sync"
	"time"
	"unicode/utf8"
)

//go:generate go run ./internal/gendata -out data

// maxRunes bounds the work an estimate does: a longer password is estimated
// on its first maxRunes characters, already far beyond any threshold unless
// it is a repeat, which its prefix shows too. The password policy never asks
// about more than its maximum length (128).
const maxRunes = 256

// Estimator estimates password guesses for the password policy's
// common_password rule. Its zero value is ready; it must not be copied after
// first use.
type Estimator struct {
	once   sync.Once
	tables *tables
	err    error
}

// Load reads the word lists and keyboard layouts if they are not read yet.
// Guesses calls it; call it beforehand only to move that cost off the first
// estimate. It is safe to call from several goroutines.
func (e *Estimator) Load() error {
	e.once.Do(func() { e.tables, e.err = load() })
	return e.err
}

// Guesses returns the estimated number of guesses pw needs, given words from
// the user's own details (matched like a ranked list: the first is the most
// likely). It returns 0, which every threshold refuses, for a password that
// is not valid UTF-8 or if the embedded lists cannot be read.
func (e *Estimator) Guesses(pw string, userInputs []string) float64 {
	if e.Load() != nil || !utf8.ValidString(pw) {
		return 0
	}
	runes := []rune(pw)
	if len(runes) > maxRunes {
		runes = runes[:maxRunes]
	}
	user := make([]string, len(userInputs))
	for i, in := range userInputs {
		user[i] = lower([]rune(in))
	}
	return e.tables.guesses(runes, user, time.Now().Year())
}
