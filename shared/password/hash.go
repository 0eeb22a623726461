// Package password hashes passwords (and security answers) with argon2id and
// decides whether a new password meets the portal's policy.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters. They travel in every PHC string, so
// raising them leaves old hashes verifiable and due for a rehash.
type Params struct {
	MemoryKiB   uint32
	Iterations  uint32
	Parallelism uint8
}

// DefaultParams are OWASP's argon2id minimum: 19 MiB, two passes, one lane.
var DefaultParams = Params{MemoryKiB: 19456, Iterations: 2, Parallelism: 1}

const (
	saltLen = 16
	keyLen  = 32
)

var b64 = base64.RawStdEncoding

// Hash returns the PHC string of secret under p:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>.
func Hash(secret string, p Params) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(secret), salt, p.Iterations, p.MemoryKiB, p.Parallelism, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Iterations, p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrMalformed reports a stored hash that is not an argon2id PHC string.
var ErrMalformed = errors.New("malformed argon2id hash")

type decoded struct {
	params Params
	salt   []byte
	key    []byte
}

func decode(phc string) (decoded, error) {
	var d decoded
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return d, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return d, ErrMalformed
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &d.params.MemoryKiB, &d.params.Iterations, &d.params.Parallelism); err != nil {
		return d, ErrMalformed
	}
	if d.params.MemoryKiB < 8 || d.params.MemoryKiB > 1<<20 || d.params.Iterations < 1 || d.params.Iterations > 16 || d.params.Parallelism < 1 {
		return d, ErrMalformed
	}
	var err error
	if d.salt, err = b64.DecodeString(parts[4]); err != nil || len(d.salt) < 8 {
		return d, ErrMalformed
	}
	if d.key, err = b64.DecodeString(parts[5]); err != nil || len(d.key) < 16 {
		return d, ErrMalformed
	}
	return d, nil
}

// Verify reports whether secret matches the PHC string, comparing in
// constant time.
func Verify(secret, phc string) (bool, error) {
	d, err := decode(phc)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(secret), d.salt, d.params.Iterations, d.params.MemoryKiB, d.params.Parallelism, uint32(len(d.key)))
	return subtle.ConstantTimeCompare(key, d.key) == 1, nil
}

// NeedsRehash reports whether phc was made with weaker parameters than p.
func NeedsRehash(phc string, p Params) bool {
	d, err := decode(phc)
	if err != nil {
		return true
	}
	return d.params.MemoryKiB < p.MemoryKiB || d.params.Iterations < p.Iterations || d.params.Parallelism < p.Parallelism
}

// Hasher hashes and verifies with the configured parameters. Its dummy hash
// lets a sign-in for an unknown email cost the same as one for a known email.
type Hasher struct {
	Params Params
	dummy  string
}

// NewHasher returns a Hasher for p.
func NewHasher(p Params) (*Hasher, error) {
	if p.MemoryKiB == 0 || p.Iterations == 0 || p.Parallelism == 0 {
		return nil, errors.New("argon2id parameters must all be positive")
	}
	return &Hasher{Params: p, dummy: dummyHash(p)}, nil
}

// dummyHash is a PHC string under p that no secret matches in practice: its
// key is not the hash of anything, so it costs nothing to make (nothing runs
// at a cold start), while verifying against it costs one argon2id under p,
// the same as a real hash.
func dummyHash(p Params) string {
	salt := make([]byte, saltLen)
	key := make([]byte, keyLen)
	for i := range key {
		key[i] = byte(0xa5 ^ i)
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Iterations, p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Hash hashes secret with the configured parameters.
func (h *Hasher) Hash(secret string) (string, error) { return Hash(secret, h.Params) }

// Verify checks secret against phc; an empty phc is checked against the
// dummy hash (and never matches), so the cost is the same either way.
func (h *Hasher) Verify(secret, phc string) bool {
	if phc == "" {
		_, _ = Verify(secret, h.dummy)
		return false
	}
	ok, err := Verify(secret, phc)
	return ok && err == nil
}

// NeedsRehash reports whether phc is weaker than the configured parameters.
func (h *Hasher) NeedsRehash(phc string) bool { return NeedsRehash(phc, h.Params) }
