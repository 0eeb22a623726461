package reset

import (
	"embed"
	"html/template"
	"net/http"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/password"
	"github.com/partner-portal/portal/shared/webpage"
)

//go:embed pages/*.html
var pageFS embed.FS

var pages = template.Must(template.ParseFS(pageFS, "pages/*.html"))

type pageData struct {
	View      string // "reset", "expired" or "forgot"
	Questions []identity.Question
	Rules     []password.Rule
	SignInURL string
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, d pageData) {
	d.SignInURL = h.Resets.PortalURL + "/sign-in"
	webpage.Render(w, r, pages, "page.html", status, d)
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
