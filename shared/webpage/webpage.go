// Package webpage serves the web function's routes: the portal's HTML
// pages, with their security headers, and their own stylesheet and scripts
// (no third-party resources). The pages are static HTML whose ES
// modules call the JSON API from the browser; html/template only assembles
// them from the fragments they share.
package webpage

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"path"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
)

//go:embed assets/*
var assetFS embed.FS

//go:embed pages/*.html partials/*.html
var pageFS embed.FS

// parse parses the pages together with the fragments several pages share,
// such as the "sign-up-fields" of /sign-up and /accept-invitation.
func parse() (*template.Template, error) {
	return template.New("").ParseFS(pageFS, "partials/*.html", "pages/*.html")
}

// CSP is the Content-Security-Policy of every page: only the portal's own
// scripts, styles and API, no inline code, no framing.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"

// Headers sets the headers every page carries: no third-party anything, no
// framing, no Referer leaving with a token, nothing cached.
func Headers(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", CSP)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
}

// render executes the named template of t with data and writes it as a page.
func render(w http.ResponseWriter, r *http.Request, t *template.Template, name string, data any) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		httpapi.WriteError(w, r, fault.Wrap(fault.Internal, "internal", "something went wrong on our side", err))
		return
	}
	Headers(w)
	_, _ = w.Write(buf.Bytes())
}

// assetType is the Content-Type of an asset file ending in ext, or "".
func assetType(ext string) string {
	switch ext {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	}
	return ""
}

// ServeAsset serves GET /assets/{file}: the pages' own CSS and JavaScript.
func ServeAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := assetFS.ReadFile("assets/" + name)
	ct := assetType(path.Ext(name))
	if err != nil || ct == "" {
		httpapi.WriteError(w, r, fault.New(fault.NotFound, "not_found", "no such file"))
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(b)
}
