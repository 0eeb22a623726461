// Package company checks the particulars a trade company gives the portal —
// its identifier (an EIN or a Protest Filer number), its street address and
// its phone numbers — and puts each in the one form the portal stores and
// compares. It is a leaf (it needs only fault and mail), so every form that
// asks for a company's particulars can share its rules.
package company

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/mail"
)

// MaxLine bounds an address line, a city, a state and a title.
const MaxLine = 200

var (
	einPattern    = regexp.MustCompile(`^(\d{2})-?(\d{7})$`)
	filerPattern  = regexp.MustCompile(`^(\d{6})-?(\d{5})$`)
	phonePattern  = regexp.MustCompile(`^\+?[0-9 ().-]{7,25}$`)
	extPattern    = regexp.MustCompile(`^\d{1,6}$`)
	postalPattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9 -]{1,8}[A-Z0-9]$`)
	zipPattern    = regexp.MustCompile(`^\d{5}(-\d{4})?$`)
)

// NormalizeEIN returns an employer identification number as NN-NNNNNNN
// (the hyphen may be left out of s; spaces around it are ignored), and
// whether s is one. The prefix 00 is never issued.
func NormalizeEIN(s string) (string, bool) {
	m := einPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || m[1] == "00" {
		return "", false
	}
	return m[1] + "-" + m[2], true
}

// NormalizeProtestFiler returns a Protest Filer number as NNNNNN-NNNNN, and
// whether s is one. The portal takes the number in the form of a
// CBP-assigned number (YYDDPP-NNNNN: six digits, a hyphen that may be left
// out, five digits); all zeros is not a number.
func NormalizeProtestFiler(s string) (string, bool) {
	m := filerPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || strings.Trim(m[1]+m[2], "0") == "" {
		return "", false
	}
	return m[1] + "-" + m[2], true
}

// NormalizePhone returns a phone number trimmed with its runs of spaces made
// one, and whether it looks like one: 7 to 15 digits, the usual separators
// (space, dot, hyphen, brackets) and an optional leading +.
func NormalizePhone(s string) (string, bool) {
	s = strings.Join(strings.Fields(s), " ")
	if !phonePattern.MatchString(s) || strings.Count(s, "+") > 1 {
		return "", false
	}
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return s, digits >= 7 && digits <= 15
}

// ValidExtension reports whether s is a phone extension: 1 to 6 digits.
func ValidExtension(s string) bool { return extPattern.MatchString(s) }

// Address is a company's street address: never a post-office box.
type Address struct {
	Street1    string `json:"street1" dynamodbav:"street1"`
	Street2    string `json:"street2,omitempty" dynamodbav:"street2,omitempty"`
	City       string `json:"city" dynamodbav:"city"`
	State      string `json:"state" dynamodbav:"state"`
	PostalCode string `json:"postalCode" dynamodbav:"postalCode"`
	Country    string `json:"country" dynamodbav:"country"`
}

// Check returns the address cleaned — lines trimmed with runs of spaces made
// one, the postal and country codes upper-cased — and adds to f each field
// that is wrong, named under prefix ("company.address" gives
// "company.address.street1").
func (a Address) Check(f *fault.Fields, prefix string) Address {
	p := func(field string) string { return prefix + "." + field }
	a.Street1 = Line(f, p("street1"), a.Street1, true)
	a.Street2 = Line(f, p("street2"), a.Street2, false)
	if IsPOBox(a.Street1) {
		f.Add(p("street1"), "must be a street address, not a post-office box")
	}
	if IsPOBox(a.Street2) {
		f.Add(p("street2"), "must be a street address, not a post-office box")
	}
	a.City = Line(f, p("city"), a.City, true)
	a.State = Line(f, p("state"), a.State, true)
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	country := len(a.Country) == 2 && strings.Trim(a.Country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
	a.PostalCode = strings.ToUpper(strings.Join(strings.Fields(a.PostalCode), " "))
	switch {
	case a.PostalCode == "":
		f.Add(p("postalCode"), "is required")
	case a.Country == "US" && !zipPattern.MatchString(a.PostalCode):
		f.Add(p("postalCode"), "must be a ZIP code: 5 digits, or ZIP+4 as NNNNN-NNNN")
	case !postalPattern.MatchString(a.PostalCode):
		f.Add(p("postalCode"), "must be 3 to 10 letters, digits, spaces or hyphens")
	}
	if !country {
		f.Add(p("country"), "must be a two-letter country code (ISO 3166-1 alpha-2)")
	}
	return a
}

// Line cleans one line of free text (an address line, a city, a title): a
// name as mail.Name keeps it (no control, invisible or direction-changing
// character, runs of spaces made one), at most MaxLine characters. An empty
// line is wrong when required.
func Line(f *fault.Fields, field, s string, required bool) string {
	l, err := mail.Name(s)
	switch {
	case err != nil:
		f.Add(field, "%v", err)
	case l == "" && required:
		f.Add(field, "is required")
	case utf8.RuneCountInString(l) > MaxLine:
		f.Add(field, "is longer than %d characters", MaxLine)
	}
	return l
}
