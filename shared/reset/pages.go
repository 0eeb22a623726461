package reset

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"path"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/password"
)

//go:embed pages/*.html
var pageFS embed.FS

//go:embed assets/*
var assetFS embed.FS

var pages = template.Must(template.ParseFS(pageFS, "pages/*.html"))

// pageHeaders are set on every page: no third-party anything, no framing, no
// Referer leaving with the token, nothing cached.
func pageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "+
		"connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
}

type pageData struct {
	View      string // "reset", "expired" or "forgot"
	Questions []identity.Question
	Rules     []password.Rule
	SignInURL string
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, d pageData) {
	d.SignInURL = h.Resets.PortalURL + "/sign-in"
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, "page.html", d); err != nil {
		httpapi.WriteError(w, r, fault.Wrap(fault.Internal, "internal", "something went wrong on our side", err))
		return
	}
	pageHeaders(w)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// resetPage is the page the emailed link opens: the user's three questions
// and the new password, or a friendly page when the link no longer works.
func (h *Handler) resetPage(w http.ResponseWriter, r *http.Request) {
	qs, err := h.Resets.Questions(r.Context(), r.URL.Query().Get("token"))
	switch {
	case fault.Is(err, fault.Gone):
		h.render(w, r, http.StatusGone, pageData{View: "expired"})
	case err != nil:
		httpapi.WriteError(w, r, err)
	default:
		h.render(w, r, http.StatusOK, pageData{View: "reset", Questions: qs, Rules: h.Users.Policy.Rules()})
	}
}

// forgotPage asks for the email to send a link to.
func (h *Handler) forgotPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, pageData{View: "forgot"})
}

var assetTypes = map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}

// serveAsset serves the pages' own CSS and JavaScript.
func serveAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := assetFS.ReadFile("assets/" + name)
	ct, known := assetTypes[path.Ext(name)]
	if err != nil || !known {
		httpapi.WriteError(w, r, fault.New(fault.NotFound, "not_found", "no such file"))
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(b)
}
