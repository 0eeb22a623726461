package webpage

import (
	"fmt"
	"html/template"
	"net/http"

	"github.com/partner-portal/portal/shared/httpapi"
)

// Routes are the routes of the web function: the pages anyone may open and
// the pages' own assets. The pages hold no data of the request: their
// modules read a link's token from the address and call the JSON API, so
// the function needs no AWS service and links none. The error is a page
// that does not parse.
func Routes() (*httpapi.Router, error) {
	t, err := parse()
	if err != nil {
		return nil, fmt.Errorf("parse pages: %w", err)
	}
	p := pages{t}
	rt := httpapi.NewRouter()
	// Signs in through POST /v1/sessions (whose answer sets the cookie) and
	// shows who is signed in.
	rt.HandleHTTP("GET /sign-in", p.static("sign-in.html"))
	// Creates a user through POST /v1/users, with the password rules and the
	// security questions the API lists.
	rt.HandleHTTP("GET /sign-up", p.static("sign-up.html"))
	// The page the verification email links to.
	rt.HandleHTTP("GET /verify-email", http.HandlerFunc(p.verifyEmail))
	// The page the invitation email links to: a signed-in user accepts with
	// one button; one who is not signed in signs in first or signs up from
	// the invitation.
	rt.HandleHTTP("GET /accept-invitation", p.static("accept-invitation.html"))
	// Asks for a reset link through POST /v1/password-resets.
	rt.HandleHTTP("GET /forgot-password", p.static("forgot-password.html"))
	// The page the reset email links to: the user's three security
	// questions (GET /v1/password-resets/{token}) and a new password, sent
	// to POST /v1/password-resets/{token}; a link that no longer works
	// offers to send a new one.
	rt.HandleHTTP("GET /reset-password", p.static("reset-password.html"))
	rt.HandleHTTP("GET /assets/{file}", http.HandlerFunc(ServeAsset))
	return rt, nil
}

// pages are the parsed pages of the web function.
type pages struct {
	t *template.Template
}

// static serves the page file, which takes no data.
func (p pages) static(file string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		render(w, r, p.t, file, nil)
	})
}

// verifyEmail serves GET /verify-email. With a token it offers one button
// that confirms the address (the script, not the page, reads the token: it
// never goes into the HTML); without one it asks for the address to send a
// new link to.
func (p pages) verifyEmail(w http.ResponseWriter, r *http.Request) {
	render(w, r, p.t, "verify-email.html", struct{ HasToken bool }{r.URL.Query().Has("token")})
}
