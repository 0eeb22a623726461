package identity

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/mail"
)

// AnswerInput is one security answer as a client sends it.
type AnswerInput struct {
	QuestionID string `json:"questionId"`
	Answer     string `json:"answer"`
}

// SignUpRequest is the body of POST /v1/users.
type SignUpRequest struct {
	Email           string        `json:"email"`
	Password        string        `json:"password"`
	Name            string        `json:"name"`
	SecurityAnswers []AnswerInput `json:"securityAnswers"`
}

// SignInRequest is the body of POST /v1/sessions.
type SignInRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Limits on what clients send.
const (
	MaxNameLength     = 100
	MaxAnswerLength   = 100
	MaxPasswordBytes  = 1024 // policy says 128 characters; this only bounds the work
	SecurityQuestions = 3
)

// invalid collects field problems into one 400 (see fault.Fields).
type invalid = fault.Fields

// Validate checks a sign-up request field by field and returns the user to
// create (password policy aside: that is a 422 from the service).
func (r SignUpRequest) Validate() (NewUser, error) {
	var v invalid
	email, err := mail.Normalize(r.Email)
	switch {
	case strings.TrimSpace(r.Email) == "":
		v.Add("email", "is required")
	case err != nil:
		v.Add("email", "is not a valid email address")
	}
	name, err := mail.Name(r.Name) // it goes into emails
	switch {
	case err != nil:
		v.Add("name", "%v", err)
	case name == "":
		v.Add("name", "is required")
	case utf8.RuneCountInString(name) > MaxNameLength:
		v.Add("name", "is longer than %d characters", MaxNameLength)
	}
	switch {
	case r.Password == "":
		v.Add("password", "is required")
	case len(r.Password) > MaxPasswordBytes:
		v.Add("password", "is longer than %d bytes", MaxPasswordBytes)
	}
	validateAnswers(&v, "securityAnswers", r.SecurityAnswers)
	if err := v.Err(); err != nil {
		return NewUser{}, err
	}
	return NewUser{Email: email, Password: r.Password, Name: name, Answers: r.SecurityAnswers}, nil
}

func validateAnswers(v *invalid, field string, answers []AnswerInput) {
	if len(answers) != SecurityQuestions {
		v.Add(field, "must hold exactly %d answers, to %d different questions", SecurityQuestions, SecurityQuestions)
		return
	}
	seen := map[string]bool{}
	for i, a := range answers {
		f := fmt.Sprintf("%s[%d]", field, i)
		if _, ok := QuestionText(a.QuestionID); !ok {
			v.Add(f+".questionId", "is not a question of the catalogue (GET /v1/security-questions)")
		} else if seen[a.QuestionID] {
			v.Add(f+".questionId", "repeats a question; choose %d different ones", SecurityQuestions)
		}
		seen[a.QuestionID] = true
		norm := NormalizeAnswer(a.Answer)
		switch {
		case norm == "":
			v.Add(f+".answer", "is required")
		case utf8.RuneCountInString(norm) > MaxAnswerLength:
			v.Add(f+".answer", "is longer than %d characters", MaxAnswerLength)
		case !printable(norm):
			v.Add(f+".answer", "contains control characters")
		}
	}
}

// Validate checks a sign-in request's shape. A wrong email or password is
// not a 400: that is the service's one invalid_credentials answer.
func (r SignInRequest) Validate() error {
	var v invalid
	if strings.TrimSpace(r.Email) == "" {
		v.Add("email", "is required")
	} else if len(r.Email) > mail.MaxAddressLength {
		v.Add("email", "is longer than %d characters", mail.MaxAddressLength)
	}
	if r.Password == "" {
		v.Add("password", "is required")
	} else if len(r.Password) > MaxPasswordBytes {
		v.Add("password", "is longer than %d bytes", MaxPasswordBytes)
	}
	return v.Err()
}

func printable(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// ValidateAnswers checks a list of three security answers sent as field: three
// different catalogue questions, each answered. The 400 names what is wrong.
func ValidateAnswers(field string, answers []AnswerInput) error {
	var v invalid
	validateAnswers(&v, field, answers)
	return v.Err()
}

// ValidateNewPassword checks that a new password was sent as field, and is
// not absurdly long (the policy's 422 covers the rest).
func ValidateNewPassword(field, pw string) error {
	var v invalid
	switch {
	case pw == "":
		v.Add(field, "is required")
	case len(pw) > MaxPasswordBytes:
		v.Add(field, "is longer than %d bytes", MaxPasswordBytes)
	}
	return v.Err()
}
