package company

import (
	"regexp"
	"strings"
	"unicode"
)

// A post-office box is recognised on the line put in a plain form first
// (boxForm): lower case, every character but a letter, a digit or "#" made a
// space, "#" a word of its own, runs of spaces one, a space at both ends.
// So "P.O. Box 12", "p-o box12", "P O B 7", "POBOX", "P0 Box 3" all read
// "p o box …" or alike, and the patterns need only optional spaces.
var (
	// boxAnywhere is a box phrase starting a word anywhere in the line:
	// PO Box, POB, PO Drawer, PO #, Post Office Box / Drawer, Post Box,
	// Postal Box, Private Bag, Locked Bag, Postfach, Apartado Postal — each
	// followed by a space or a digit (so "Pobst Drive" and "Post Office
	// Road" are streets). The letter O may be typed as a zero.
	boxAnywhere = regexp.MustCompile(` (p ?[o0] ?(b ?[o0] ?x|b|drawer|#)|p[o0]st ?[o0]ffice ?(b ?[o0] ?x|b|drawer)|p[o0]st(al)? ?b ?[o0] ?x|private ?bag|locked ?bag|postfach|apartado ?postal)( |\d)`)
	// boxAtStart is a line that starts with a box number: "Box 12",
	// "Box # 12", "PO 12", "P.O. #12", "BP 1234" (boîte postale).
	boxAtStart = regexp.MustCompile(`^ (b[o0]x|b ?p|p ?[o0]) ?(# ?)?(n[o0] )?\d`)
)

// IsPOBox reports whether an address line names a post-office box in any
// of the common spellings, in any case, with or without dots, spaces and
// hyphens between the letters: PO Box, P.O. Box, P O Box, PO-Box, POBox,
// POB, P.O.B., PO Drawer, PO #12, Post Office Box, Post Box, Postal Box,
// Private Bag, Locked Bag, Postfach, Apartado Postal, and a line starting
// "Box 12", "PO 12" or "BP 12".
func IsPOBox(line string) bool {
	f := boxForm(line)
	return boxAnywhere.MatchString(f) || boxAtStart.MatchString(f)
}

// boxForm is line in the plain form the patterns read.
func boxForm(line string) string {
	var b strings.Builder
	b.Grow(len(line) + 2)
	b.WriteByte(' ')
	space := true
	for _, r := range line {
		switch {
		case r == '#':
			if !space {
				b.WriteByte(' ')
			}
			b.WriteString("# ")
			space = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		case !space:
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}
