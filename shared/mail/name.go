package mail

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrName reports a name holding a character that could hide or reorder
// what an email shows.
var ErrName = errors.New("contains control, invisible or direction-changing characters")

// Name returns a person's or an organisation's name as the portal keeps it
// and puts it into emails: runs of white space made one space, trimmed. A
// name is refused (ErrName) when it holds a character that would make an
// email show something other than what it says: a control character other
// than ordinary white space (tab, line feed, carriage return, which become a
// space); a format character (Unicode category Cf: the bidirectional
// embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, the
// marks U+200E, U+200F and U+061C, the zero-width U+200B–U+200D, U+2060 and
// U+FEFF, U+180E, the soft hyphen, tag characters …); the line and
// paragraph separators U+2028 and U+2029; or bytes that are not UTF-8 (and
// U+FFFD, which stands for them). Zero-width joiners are refused too,
// though some scripts use them: a name reads the same without them.
func Name(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", ErrName
	}
	for _, r := range s {
		if !nameRune(r) {
			return "", ErrName
		}
	}
	return strings.Join(strings.Fields(s), " "), nil
}

func nameRune(r rune) bool {
	switch r {
	case '\t', '\n', '\r':
		return true
	case utf8.RuneError:
		return false
	}
	return !unicode.IsControl(r) && !unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}
