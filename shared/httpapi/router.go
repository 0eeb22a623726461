package httpapi

import (
	"net/http"
	"slices"

	"github.com/partner-portal/portal/shared/fault"
)

// HandlerFunc is a route handler that may fail: a returned error is written
// by WriteError, so handlers never format error bodies themselves.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Router is an http.ServeMux that remembers its patterns (so tests can compare
// them with template.yaml) and answers unknown routes and methods with JSON.
type Router struct {
	mux    *http.ServeMux
	routes []route
}

type route struct {
	pattern string
	handler http.Handler
}

// NewRouter returns an empty router.
func NewRouter() *Router {
	return &Router{mux: http.NewServeMux()}
}

// Handle registers a handler that returns errors, for a "METHOD /path" pattern.
func (rt *Router) Handle(pattern string, h HandlerFunc) {
	rt.HandleHTTP(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			WriteError(w, r, err)
		}
	}))
}

// HandleHTTP registers a plain http.Handler, for pages that write HTML.
func (rt *Router) HandleHTTP(pattern string, h http.Handler) {
	rt.mux.Handle(pattern, h)
	rt.routes = append(rt.routes, route{pattern, h})
}

// Mount registers every route of other on rt, so one process can serve the
// handlers of several functions. Like http.ServeMux, it panics when two
// functions claim the same route: API Gateway could not route that either.
func (rt *Router) Mount(other *Router) {
	for _, o := range other.routes {
		rt.HandleHTTP(o.pattern, o.handler)
	}
}

// Routes returns the registered patterns, sorted.
func (rt *Router) Routes() []string {
	out := make([]string, 0, len(rt.routes))
	for _, x := range rt.routes {
		out = append(out, x.pattern)
	}
	slices.Sort(out)
	return out
}

// ServeHTTP dispatches to the matching route; a request no route matches is
// answered by the mux through a writer that turns its plain-text 404 or 405
// into the portal's JSON error (keeping the Allow header).
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := rt.mux.Handler(r); pattern == "" {
		rt.mux.ServeHTTP(&unmatchedWriter{ResponseWriter: w, r: r}, r)
		return
	}
	rt.mux.ServeHTTP(w, r)
}

// unmatchedWriter replaces the mux's own 404 and 405 bodies with JSON ones.
type unmatchedWriter struct {
	http.ResponseWriter
	r        *http.Request
	replaced bool
}

func (u *unmatchedWriter) WriteHeader(status int) {
	switch status {
	case http.StatusNotFound:
		u.replaced = true
		u.ResponseWriter.Header().Del("Content-Type")
		WriteError(u.ResponseWriter, u.r, fault.New(fault.NotFound, "not_found", "no such route"))
	case http.StatusMethodNotAllowed:
		u.replaced = true
		u.ResponseWriter.Header().Del("Content-Type")
		WriteError(u.ResponseWriter, u.r, fault.New(fault.MethodNotAllowed, "method_not_allowed",
			"this route does not accept "+u.r.Method))
	default:
		u.ResponseWriter.WriteHeader(status)
	}
}

func (u *unmatchedWriter) Write(b []byte) (int, error) {
	if u.replaced {
		return len(b), nil
	}
	return u.ResponseWriter.Write(b)
}
