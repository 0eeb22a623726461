package session

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
)

// CookieName is the session cookie. The __Host- prefix makes browsers insist
// on Secure, Path=/ and no Domain, so no sibling host can set or read it.
const CookieName = "__Host-portal_session"

type ctxKey struct{}

// TokenFrom returns the session token of a request: the bearer token of the
// Authorization header, or else the session cookie.
func TokenFrom(r *http.Request) string {
	t, _ := tokenFrom(r)
	return t
}

// tokenFrom is TokenFrom, also telling whether the token came from the
// cookie: only then does the browser attach it on its own.
func tokenFrom(r *http.Request) (token string, fromCookie bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t), false
		}
		return "", false
	}
	if c, err := r.Cookie(CookieName); err == nil {
		return c.Value, true
	}
	return "", false
}

var errCrossSite = fault.New(fault.Forbidden, "cross_site_request",
	"this change must be made from the portal's own pages")

// Require wraps h so that it runs only with a live session, which it finds
// in the request's context (From). A state-changing request whose session
// comes from the cookie must also come from the portal's own origin, since
// a browser attaches the cookie to requests other sites make; bearer-token
// clients send their token on purpose and are not checked.
func (s *Service) Require(h httpapi.HandlerFunc) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		token, fromCookie := tokenFrom(r)
		if fromCookie && !safeMethod(r.Method) && !s.sameOrigin(r) {
			return errCrossSite
		}
		sess, err := s.Authenticate(r.Context(), token)
		if err != nil {
			return err
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, sess)))
	}
}

// safeMethod reports whether method changes nothing (RFC 9110 section 9.2.1).
func safeMethod(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// sameOrigin reports whether the browser says r comes from the portal's own
// pages: Sec-Fetch-Site, when sent, is same-origin (or none: typed by the
// user), and Origin, when sent, is the portal's. Browsers that send neither
// header predate them and are left to the SameSite cookie.
func (s *Service) sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	o, ok := r.Header["Origin"]
	return !ok || (len(o) == 1 && s.PortalOrigin != "" && o[0] == s.PortalOrigin)
}

// OriginOf returns the origin (scheme://host[:port], lower case, default
// port left out) of a URL such as PORTAL_URL, as a browser writes it in the
// Origin header; "" when u is not an absolute http(s) URL.
func OriginOf(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	scheme, host, port := strings.ToLower(p.Scheme), strings.ToLower(p.Hostname()), p.Port()
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port == "" || (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		return scheme + "://" + host
	}
	return scheme + "://" + host + ":" + port
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
