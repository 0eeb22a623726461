// Package config reads the portal's settings from environment variables once,
// at start. Every problem is collected, so a misconfigured function stops with
// one message naming each variable that is missing or malformed.
package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Env reads variables through lookup (os.LookupEnv in production, a map in
// tests) and remembers what was wrong with them.
type Env struct {
	lookup func(string) (string, bool)
	errs   []error
}

// New returns an Env reading through lookup.
func New(lookup func(string) (string, bool)) *Env {
	return &Env{lookup: lookup}
}

// FromMap returns an Env reading from m, for tests and local tools.
func FromMap(m map[string]string) *Env {
	return New(func(k string) (string, bool) { v, ok := m[k]; return v, ok })
}

// Err returns every problem found so far, or nil.
func (e *Env) Err() error {
	return errors.Join(e.errs...)
}

func (e *Env) fail(name, format string, args ...any) {
	e.errs = append(e.errs, fmt.Errorf("%s: "+format, append([]any{name}, args...)...))
}

func (e *Env) get(name string) (string, bool) {
	v, ok := e.lookup(name)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

// Required returns the variable's value, recording an error when it is unset
// or empty.
func (e *Env) Required(name string) string {
	v, ok := e.get(name)
	if !ok {
		e.fail(name, "is required but not set")
	}
	return v
}

// String returns the variable's value or def when it is unset.
func (e *Env) String(name, def string) string {
	if v, ok := e.get(name); ok {
		return v
	}
	return def
}

// Int returns the variable as an integer within [min, max], or def when unset.
func (e *Env) Int(name string, def, min, max int) int {
	v, ok := e.get(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		e.fail(name, "must be an integer from %d to %d, got %q", min, max, v)
		return def
	}
	return n
}

// Duration returns the variable as a positive Go duration ("30m"), or def.
func (e *Env) Duration(name string, def time.Duration) time.Duration {
	v, ok := e.get(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		e.fail(name, "must be a positive duration such as 30m or 12h, got %q", v)
		return def
	}
	return d
}

// Bool returns the variable as a boolean, or def.
func (e *Env) Bool(name string, def bool) bool {
	v, ok := e.get(name)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.fail(name, "must be true or false, got %q", v)
		return def
	}
	return b
}

// URL returns the variable as an absolute http(s) URL without a trailing
// slash, recording an error when it is unset or malformed.
func (e *Env) URL(name string) string {
	v := e.Required(name)
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		e.fail(name, "must be an absolute http(s) URL without query, got %q", v)
		return ""
	}
	return strings.TrimRight(u.String(), "/")
}

// Email returns the variable as a bare email address, recording an error when
// it is unset or not an address.
func (e *Env) Email(name string) string {
	v := e.Required(name)
	if v == "" {
		return ""
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v {
		e.fail(name, "must be a bare email address, got %q", v)
		return ""
	}
	return v
}

// List returns the variable split on commas (blank items dropped), or def.
func (e *Env) List(name string, def []string) []string {
	v, ok := e.get(name)
	if !ok {
		return def
	}
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// OneOf returns the variable's value, which must be one of allowed, or def.
func (e *Env) OneOf(name, def string, allowed ...string) string {
	v, ok := e.get(name)
	if !ok {
		return def
	}
	if !slices.Contains(allowed, v) {
		e.fail(name, "must be one of %s, got %q", strings.Join(allowed, ", "), v)
		return def
	}
	return v
}
