package portal_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/session"
)

// send makes one request with exactly the given headers and returns the
// status and the error code of the body.
func send(t *testing.T, method, url string, header map[string]string, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, testenv.Response{Body: b}.Code()
}

// TestCrossSiteCookieRequests: a state-changing request that carries only
// the session cookie must come from the portal's own origin. A sibling or
// foreign site's request (Sec-Fetch-Site other than same-origin or none, or
// a foreign Origin) is 403 cross_site_request and changes nothing; the same
// request from the portal's pages, or with a bearer token, goes through.
func TestCrossSiteCookieRequests(t *testing.T) {
	d, base := testenv.Portal(t, nil, nil)
	ctx := context.Background()
	adminEmail, _ := testenv.Person(t, d, "admin", identity.Admin)
	_, victim := testenv.Person(t, d, "victim", "")
	token := testenv.SignIn(t, base, adminEmail, testenv.Password)
	cookie := session.CookieName + "=" + token
	suspend, reinstate := base+"/v1/users/"+victim+"/suspend", base+"/v1/users/"+victim+"/reinstate"
	status := func() identity.Status {
		t.Helper()
		u, err := d.Users.Get(ctx, victim)
		if err != nil {
			t.Fatal(err)
		}
		return u.Status
	}

	for _, tt := range []struct {
		name   string
		header map[string]string
	}{
		{"cross-site", map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "cross-site"}},
		{"same-site sibling", map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "same-site"}},
		{"foreign origin", map[string]string{"Cookie": cookie, "Origin": "https://evil.example"}},
		{"foreign origin, same-origin claimed", map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "same-origin", "Origin": "http://portal.test.evil.example"}},
		{"opaque origin", map[string]string{"Cookie": cookie, "Origin": "null"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, code := send(t, "POST", suspend, tt.header, ""); got != 403 || code != "cross_site_request" {
				t.Errorf("POST suspend with %v = %d %q; want 403 cross_site_request", tt.header, got, code)
			}
			if s := status(); s != identity.Active {
				t.Errorf("after a refused cross-site suspend the user is %q; want active", s)
			}
		})
	}

	// The portal's own page: same-origin, its own Origin.
	same := map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "same-origin", "Origin": base}
	if got, code := send(t, "POST", suspend, same, ""); got != 204 {
		t.Fatalf("same-origin POST suspend = %d %q; want 204", got, code)
	}
	if s := status(); s != identity.Suspended {
		t.Fatalf("after a same-origin suspend the user is %q; want suspended", s)
	}
	// A browser too old for Fetch metadata sends neither header: SameSite
	// and the JSON Content-Type rule guard it.
	if got, code := send(t, "POST", reinstate, map[string]string{"Cookie": cookie}, ""); got != 204 {
		t.Fatalf("cookie POST reinstate without fetch metadata = %d %q; want 204", got, code)
	}
	if got, _ := send(t, "POST", suspend, map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "none"}, ""); got != 204 {
		t.Fatalf("cookie POST suspend with Sec-Fetch-Site none = %d; want 204", got)
	}
	// A bearer token is sent on purpose: where the request comes from does not matter.
	bearer := map[string]string{"Authorization": "Bearer " + token, "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
	if got, code := send(t, "POST", reinstate, bearer, ""); got != 204 {
		t.Fatalf("bearer POST reinstate from another site = %d %q; want 204", got, code)
	}
	if s := status(); s != identity.Active {
		t.Fatalf("after the bearer reinstate the user is %q; want active", s)
	}
	// Reads with the cookie are not affected.
	if got, code := send(t, "GET", base+"/v1/me", map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "cross-site"}, ""); got != 200 {
		t.Errorf("cross-site GET /v1/me with the cookie = %d %q; want 200", got, code)
	}
	// Signing out is a change too.
	if got, code := send(t, "DELETE", base+"/v1/sessions/current", map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "cross-site"}, ""); got != 403 || code != "cross_site_request" {
		t.Errorf("cross-site sign-out = %d %q; want 403 cross_site_request", got, code)
	}
	if got, _ := send(t, "GET", base+"/v1/me", map[string]string{"Authorization": "Bearer " + token}, ""); got != 200 {
		t.Errorf("the session after a refused cross-site sign-out answers %d; want 200", got)
	}
}

// TestJSONNeedsContentType: a JSON body must say so. Without a Content-Type,
// or as text/plain (what a form on another site can send without a
// preflight), sign-in is 415 unsupported_media_type and no session starts.
func TestJSONNeedsContentType(t *testing.T) {
	d, base := testenv.Portal(t, nil, nil)
	email, id := testenv.Person(t, d, "typed", "")
	body := `{"email":"` + email + `","password":"` + testenv.Password + `"}`
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded"} {
		h := map[string]string{}
		if ct != "" {
			h["Content-Type"] = ct
		}
		if got, code := send(t, "POST", base+"/v1/sessions", h, body); got != 415 || code != "unsupported_media_type" {
			t.Errorf("sign-in with Content-Type %q = %d %q; want 415 unsupported_media_type", ct, got, code)
		}
	}
	live, err := d.Sessions.List(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(live) != 0 {
		t.Errorf("%d sessions started by sign-ins without a JSON Content-Type; want 0", len(live))
	}
	if got, _ := send(t, "POST", base+"/v1/sessions", map[string]string{"Content-Type": "application/json"}, body); got != 201 {
		t.Errorf("sign-in with application/json = %d; want 201", got)
	}
}
