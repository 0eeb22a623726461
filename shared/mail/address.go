package mail

import (
	"errors"
	"net/mail"
	"strings"
)

// ErrAddress reports an email address the portal will not use.
var ErrAddress = errors.New("not a valid email address")

// MaxAddressLength is the longest address accepted (RFC 5321's path limit).
const MaxAddressLength = 254

// Address validates a bare email address ("name@example.com", no display name,
// no comments) and returns it trimmed with the domain lower-cased. Control
// characters, angle brackets and anything that would need quoting are
// refused, so an accepted address can never add a header or a recipient.
func Address(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > MaxAddressLength {
		return "", ErrAddress
	}
	for _, r := range s {
		if r < 0x21 || r == 0x7f || r > 0x7e || strings.ContainsRune(`"<>()[]\,;:`, r) {
			return "", ErrAddress
		}
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", ErrAddress
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || len(local) > 64 || strings.Count(s, "@") != 1 {
		return "", ErrAddress
	}
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.Contains(domain, "..") || strings.HasPrefix(domain, "-") {
		return "", ErrAddress
	}
	return local + "@" + strings.ToLower(domain), nil
}

// Normalize returns the address as the portal compares and stores it: valid,
// trimmed and wholly lower-cased (emails are user names, compared without
// regard to case).
func Normalize(s string) (string, error) {
	a, err := Address(s)
	if err != nil {
		return "", err
	}
	return strings.ToLower(a), nil
}
