package webpage

import (
	"embed"
	"html/template"
	"net/http"

	"github.com/partner-portal/portal/shared/httpapi"
)

// Routes are the routes of the web function: the sign-in, sign-up,
// email-confirmation and invitation pages and the pages' own assets. They
// need no AWS service, so the function links none.
func Routes() *httpapi.Router {
	rt := httpapi.NewRouter()
	rt.HandleHTTP("GET /sign-in", http.HandlerFunc(SignIn))
	rt.HandleHTTP("GET /sign-up", http.HandlerFunc(SignUp))
	rt.HandleHTTP("GET /verify-email", http.HandlerFunc(VerifyEmail))
	rt.HandleHTTP("GET /accept-invitation", http.HandlerFunc(AcceptInvitation))
	rt.HandleHTTP("GET /assets/{file}", http.HandlerFunc(ServeAsset))
	return rt
}

//go:embed pages/*.html
var pageFS embed.FS

var pages = template.Must(Parse(pageFS, "pages/*.html"))

// SignIn serves GET /sign-in: a page that signs in through POST /v1/sessions
// (the session cookie is set by that answer) and shows who is signed in.
func SignIn(w http.ResponseWriter, r *http.Request) {
	Render(w, r, pages, "sign-in.html", http.StatusOK, nil)
}

// SignUp serves GET /sign-up: the form that creates a user through
// POST /v1/users, with the password rules and the security questions the
// API lists.
func SignUp(w http.ResponseWriter, r *http.Request) {
	Render(w, r, pages, "sign-up.html", http.StatusOK, nil)
}

// VerifyEmail serves GET /verify-email, the page the verification email
// links to. With a token it offers one button that confirms the address
// (the script, not the page, reads the token: it never goes into the HTML);
// without one it asks for the address to send a new link to.
func VerifyEmail(w http.ResponseWriter, r *http.Request) {
	Render(w, r, pages, "verify-email.html", http.StatusOK, struct{ HasToken bool }{r.URL.Query().Has("token")})
}

// AcceptInvitation serves GET /accept-invitation?token=…, the page the
// invitation email links to: a signed-in user accepts with one button; one
// who is not signed in signs in first or signs up from the invitation.
func AcceptInvitation(w http.ResponseWriter, r *http.Request) {
	Render(w, r, pages, "accept-invitation.html", http.StatusOK, nil)
}
