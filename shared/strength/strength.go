// Package strength estimates how many guesses a password would cost an
// attacker who knows common and breached passwords, names, words, keyboard
// patterns and the user's own details, with zxcvbn's dictionaries.
//
// It is its own package so that only the functions that check new passwords
// (auth, password-reset, accounts) link the dictionaries, which are most of
// a bootstrap's size and about 14 ms of its start (the library builds them
// at package init).
package strength

import "github.com/trustelem/zxcvbn"

// Zxcvbn is the estimator of the password policy's common_password rule.
type Zxcvbn struct{}

// Guesses returns zxcvbn's estimate of the guesses pw needs, given words
// from the user's own details.
func (Zxcvbn) Guesses(pw string, userInputs []string) float64 {
	return zxcvbn.PasswordStrength(pw, userInputs).Guesses
}
