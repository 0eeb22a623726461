package fault

import (
	"fmt"
	"strings"
	"unicode"
)

// Fields collects what is wrong with the fields of a request, so one 400
// names them all: its code names the first field (invalid_email,
// invalid_security_answers[0].question_id, …) and its details list every one.
type Fields []Detail

// Add records that field is wrong, with a message.
func (f *Fields) Add(field, format string, args ...any) {
	*f = append(*f, Detail{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns the 400, or nil when nothing was added.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	msg := f[0].Field + ": " + f[0].Message
	if len(f) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(f)-1)
	}
	return WithDetails(Invalid, "invalid_"+snake(f[0].Field), msg, f)
}

// snake turns a JSON field name (securityAnswers) into snake case.
func snake(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsUpper(r) {
			b.WriteByte('_')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Field is the 400 for one wrong field: Fields with just that one.
func Field(field, format string, args ...any) error {
	var f Fields
	f.Add(field, format, args...)
	return f.Err()
}
