package password

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/partner-portal/portal/shared/fault"
)

// Policy is the password policy. Its defaults follow NIST SP 800-63B: length
// over composition, a check against common and breached passwords, nothing
// derived from the email. The composition rules of the DHS policy (an upper-
// and a lower-case letter, a digit, a special character) can be switched on.
type Policy struct {
	MinLength   int  `json:"minLength"`
	MaxLength   int  `json:"maxLength"`
	Composition bool `json:"compositionRules"`
	History     int  `json:"historySize"`
	// Guesser estimates how guessable a password is (strength.Estimator). A
	// policy without one refuses every password as unchecked: it fails
	// closed rather than let a common password through.
	Guesser Guesser `json:"-"`
}

// Guesser estimates how many guesses a password would cost an attacker,
// given words from the user's own details.
type Guesser interface {
	Guesses(pw string, userInputs []string) float64
}

// DefaultPolicy is the policy when nothing is configured.
var DefaultPolicy = Policy{MinLength: 12, MaxLength: 128, Composition: false, History: 5}

// Rule is one rule of the policy, as GET /v1/password-policy shows it.
type Rule struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Rules describes the policy to clients: every rule a password must meet.
func (p Policy) Rules() []Rule {
	rules := []Rule{
		{"min_length", fmt.Sprintf("at least %d characters", p.MinLength)},
		{"max_length", fmt.Sprintf("at most %d characters", p.MaxLength)},
		{"common_password", "not a common, breached or easily guessed password (checked against the zxcvbn dictionaries of common passwords, names and words)"},
		{"contains_email", "not containing the part of your email before the @"},
	}
	if p.Composition {
		rules = append(rules,
			Rule{"uppercase", "at least one upper-case letter"},
			Rule{"lowercase", "at least one lower-case letter"},
			Rule{"digit", "at least one digit"},
			Rule{"special", "at least one character that is neither a letter nor a digit"},
		)
	}
	if p.History > 0 {
		rules = append(rules, Rule{"reused", fmt.Sprintf("not one of your last %d passwords", p.History)})
	}
	return rules
}

// minGuesses is the zxcvbn estimate below which a password counts as common
// or easily guessed: 10^10 guesses, zxcvbn's boundary between "safely
// unguessable" (score 3) and "very unguessable" (score 4) for offline attacks.
const minGuesses = 1e10

// Check returns every rule pw breaks, for a user with this email and name
// (reuse of old passwords is checked separately, against the stored hashes).
// An empty result means the password is acceptable.
func (p Policy) Check(pw, email, name string) []fault.Detail {
	var broken []fault.Detail
	add := func(rule, msg string) {
		broken = append(broken, fault.Detail{Field: "password", Rule: rule, Message: msg})
	}
	n := utf8.RuneCountInString(pw)
	if n < p.MinLength {
		add("min_length", fmt.Sprintf("use at least %d characters (this has %d)", p.MinLength, n))
	}
	if n > p.MaxLength {
		add("max_length", fmt.Sprintf("use at most %d characters (this has %d)", p.MaxLength, n))
	}
	local, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(email)), "@")
	if len(local) >= 3 && strings.Contains(strings.ToLower(pw), local) {
		add("contains_email", "do not use your email address in the password")
	}
	if n <= p.MaxLength && n > 0 {
		inputs := []string{local}
		inputs = append(inputs, strings.Fields(strings.ToLower(name))...)
		switch {
		case p.Guesser == nil:
			add("common_password", "this password could not be checked against common passwords; try again later")
		case p.Guesser.Guesses(pw, inputs) < minGuesses:
			add("common_password", "this password is common, appears in breaches or is easy to guess; try a longer passphrase of unrelated words")
		}
	}
	if p.Composition {
		var upper, lower, digit, special bool
		for _, r := range pw {
			switch {
			case unicode.IsUpper(r):
				upper = true
			case unicode.IsLower(r):
				lower = true
			case unicode.IsDigit(r):
				digit = true
			default:
				special = true
			}
		}
		if !upper {
			add("uppercase", "add an upper-case letter")
		}
		if !lower {
			add("lowercase", "add a lower-case letter")
		}
		if !digit {
			add("digit", "add a digit")
		}
		if !special {
			add("special", "add a character that is neither a letter nor a digit")
		}
	}
	return broken
}

// Rejected returns the 422 for a list of broken rules.
func Rejected(broken []fault.Detail) error {
	return fault.WithDetails(fault.PolicyRejected, "password_policy", "the password does not meet the password policy", broken)
}
