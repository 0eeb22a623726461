package identity

import (
	"embed"
	"html/template"
	"net/http"

	"github.com/partner-portal/portal/shared/webpage"
)

//go:embed pages/*.html
var pageFS embed.FS

var pages = template.Must(webpage.Parse(pageFS, "pages/*.html"))

// SignInPage serves GET /sign-in: a plain page that signs in through
// POST /v1/sessions (the session cookie is set by that answer) and shows who
// is signed in.
func SignInPage(w http.ResponseWriter, r *http.Request) {
	webpage.Render(w, r, pages, "sign-in.html", http.StatusOK, nil)
}

// SignUpPage serves GET /sign-up: the form that creates a user through
// POST /v1/users, with the password rules and the security questions the
// API lists.
func SignUpPage(w http.ResponseWriter, r *http.Request) {
	webpage.Render(w, r, pages, "sign-up.html", http.StatusOK, nil)
}

// VerifyEmailPage serves GET /verify-email, the page the verification email
// links to. With a token it offers one button that confirms the address
// (the script, not the page, reads the token: it never goes into the HTML);
// without one it asks for the address to send a new link to.
func VerifyEmailPage(w http.ResponseWriter, r *http.Request) {
	webpage.Render(w, r, pages, "verify-email.html", http.StatusOK, struct{ HasToken bool }{r.URL.Query().Has("token")})
}
