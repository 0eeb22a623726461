package identity

import (
	"embed"
	"html/template"
	"net/http"

	"github.com/partner-portal/portal/shared/webpage"
)

//go:embed pages/*.html
var pageFS embed.FS

var pages = template.Must(template.ParseFS(pageFS, "pages/*.html"))

// SignInPage serves GET /sign-in: a plain page that signs in through
// POST /v1/sessions (the session cookie is set by that answer) and shows who
// is signed in.
func SignInPage(w http.ResponseWriter, r *http.Request) {
	webpage.Render(w, r, pages, "sign-in.html", http.StatusOK, nil)
}
