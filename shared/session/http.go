package session

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/partner-portal/portal/shared/httpapi"
)

// CookieName is the session cookie. The __Host- prefix makes browsers insist
// on Secure, Path=/ and no Domain, so no sibling host can set or read it.
const CookieName = "__Host-portal_session"

type ctxKey struct{}

// TokenFrom returns the session token of a request: the bearer token of the
// Authorization header, or else the session cookie.
func TokenFrom(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t)
		}
		return ""
	}
	if c, err := r.Cookie(CookieName); err == nil {
		return c.Value
	}
	return ""
}

// Require wraps h so that it runs only with a live session, which it finds
// in the request's context (From).
func (s *Service) Require(h httpapi.HandlerFunc) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		sess, err := s.Authenticate(r.Context(), TokenFrom(r))
		if err != nil {
			return err
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, sess)))
	}
}

// From returns the session Require put in ctx.
func From(ctx context.Context) Session {
	sess, _ := ctx.Value(ctxKey{}).(Session)
	return sess
}

// SetCookie sets the session cookie: HttpOnly, Secure, SameSite=Lax, Path=/,
// expiring with the session's absolute lifetime.
func SetCookie(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode,
	})
}

// ClearCookie removes the session cookie.
func ClearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode,
	})
}
