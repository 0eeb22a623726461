package accounts

import (
	"embed"
	"html/template"
	"net/http"

	"github.com/partner-portal/portal/shared/webpage"
)

//go:embed pages/*.html
var pageFS embed.FS

var pages = template.Must(webpage.Parse(pageFS, "pages/*.html"))

// AcceptPage serves GET /accept-invitation?token=…, the page the invitation
// email links to: the signed-in user accepts with one button; a user who is
// not signed in is sent to sign in (or sign up) first.
func AcceptPage(w http.ResponseWriter, r *http.Request) {
	webpage.Render(w, r, pages, "accept-invitation.html", http.StatusOK, nil)
}
