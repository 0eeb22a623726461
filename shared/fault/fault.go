// Package fault is the portal's small vocabulary of error kinds. Domain code
// returns a *fault.Error with a kind and a stable snake_case code; the HTTP
// layer turns the kind into a status in one place (httpapi.WriteError).
package fault

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it.
type Kind int

// The kinds of error the portal distinguishes.
const (
	Internal         Kind = iota // a fault of ours; the client learns nothing more
	Invalid                      // the request is malformed or a field is wrong
	Unauthenticated              // no session, or a bad one
	Forbidden                    // the principal may not do this
	NotFound                     // no such resource (or not visible to the principal)
	MethodNotAllowed             // the route exists, not with this method
	Conflict                     // a uniqueness or version conflict
	Gone                         // a token that was used, superseded or expired
	TooLarge                     // the body is over the limit
	UnsupportedMedia             // a content type the portal refuses
	PolicyRejected               // well-formed but refused by a policy (password rules)
	TooManyRequests              // a rate limit was reached
	Unavailable                  // a dependency is down, or a data freeze is on
)

// Detail is one item of a multi-part rejection, such as one broken password
// rule or one invalid field.
type Detail struct {
	Field   string `json:"field,omitempty"`
	Rule    string `json:"rule,omitempty"`
	Message string `json:"message"`
}

// Error is an error a client may see: its Code and Message are safe to send.
// Err, when set, is the internal cause, logged but never sent.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Details []Detail
	// Extra holds further client-safe members of the error body, beside
	// code and message (a data freeze's window under "freeze").
	Extra map[string]any
	Err   error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error of the given kind with a client-safe code and message.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// WithDetails returns an error carrying a list of details (broken rules,
// invalid fields).
func WithDetails(kind Kind, code, message string, details []Detail) *Error {
	return &Error{Kind: kind, Code: code, Message: message, Details: details}
}

// Wrap returns an error of the given kind that keeps err as its internal cause.
func Wrap(kind Kind, code, message string, err error) *Error {
	return &Error{Kind: kind, Code: code, Message: message, Err: err}
}

// As returns the *Error in err's chain, or an Internal one wrapping err.
func As(err error) *Error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	return &Error{Kind: Internal, Code: "internal", Message: "something went wrong on our side", Err: err}
}

// Is reports whether err carries a fault of the given kind.
func Is(err error, kind Kind) bool {
	var fe *Error
	return errors.As(err, &fe) && fe.Kind == kind
}
