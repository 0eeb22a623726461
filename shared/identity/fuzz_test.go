package identity_test

import (
	"bytes"
	"testing"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/mail"
)

// clientError reports whether err is one a client may be sent: a 4xx kind
// with a code.
func clientError(err error) bool {
	fe := fault.As(err)
	return fe.Kind != fault.Internal && fe.Kind != fault.Unavailable && fe.Code != "" && fe.Message != ""
}

// FuzzSignUpRequest decodes and validates arbitrary sign-up bodies: no panic,
// every rejection a client error, every acceptance a user the portal can
// store (a valid normalised email, three catalogue questions).
func FuzzSignUpRequest(f *testing.F) {
	f.Add([]byte(`{"email":"a@b.example","password":"Harbour-Lantern-Tide-2026","name":"A","securityAnswers":[{"questionId":"q01","answer":"x"},{"questionId":"q02","answer":"y"},{"questionId":"q03","answer":"z"}]}`))
	f.Add([]byte(`{"email":"a@b.example\r\nBcc: c@d.example","securityAnswers":[{"questionId":"q01"}]}`))
	f.Add([]byte(`{"securityAnswers":null,"name":"\u0000"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req identity.SignUpRequest
		if err := httpapi.DecodeJSONBody(bytes.NewReader(body), &req); err != nil {
			if !clientError(err) {
				t.Fatalf("decode(%q) = %v; want a client error", body, err)
			}
			return
		}
		nu, err := req.Validate()
		if err != nil {
			if !clientError(err) || fault.As(err).Kind != fault.Invalid {
				t.Fatalf("Validate(%q) = %v; want a 400", body, err)
			}
			return
		}
		if norm, err := mail.Normalize(nu.Email); err != nil || norm != nu.Email {
			t.Fatalf("accepted email %q is not normalised", nu.Email)
		}
		if len(nu.Answers) != identity.SecurityQuestions || nu.Name == "" || nu.Password == "" {
			t.Fatalf("accepted %+v", nu)
		}
		seen := map[string]bool{}
		for _, a := range nu.Answers {
			if _, ok := identity.QuestionText(a.QuestionID); !ok || seen[a.QuestionID] || identity.NormalizeAnswer(a.Answer) == "" {
				t.Fatalf("accepted answers %+v", nu.Answers)
			}
			seen[a.QuestionID] = true
		}
	})
}

// FuzzSignInRequest decodes and validates arbitrary sign-in bodies.
func FuzzSignInRequest(f *testing.F) {
	f.Add([]byte(`{"email":"a@b.example","password":"x"}`))
	f.Add([]byte(`{"email":1}`))
	f.Add([]byte(`{"email":"","password":""}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req identity.SignInRequest
		err := httpapi.DecodeJSONBody(bytes.NewReader(body), &req)
		if err == nil {
			err = req.Validate()
		}
		if err != nil && !clientError(err) {
			t.Fatalf("sign-in body %q = %v; want a client error", body, err)
		}
	})
}
