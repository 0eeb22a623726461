package reset_test

import (
	"bytes"
	"testing"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/reset"
)

// FuzzConfirmBody decodes and validates arbitrary confirmation bodies: no
// panic, every rejection a 400 with a code, every acceptance three catalogue
// questions and a password.
func FuzzConfirmBody(f *testing.F) {
	f.Add([]byte(`{"answers":[{"questionId":"q01","answer":"a"},{"questionId":"q05","answer":"b"},{"questionId":"q09","answer":"c"}],"newPassword":"x"}`))
	f.Add([]byte(`{"answers":[{"questionId":"q01","answer":"a"}],"newPassword":""}`))
	f.Add([]byte(`{"answers":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var b reset.ConfirmBody
		err := httpapi.DecodeJSONBody(bytes.NewReader(body), &b)
		if err == nil {
			err = b.Validate()
		}
		if err != nil {
			if fe := fault.As(err); fe.Kind != fault.Invalid && fe.Kind != fault.TooLarge || fe.Code == "" {
				t.Fatalf("body %q = %v; want a 400 with a code", body, err)
			}
			return
		}
		if len(b.Answers) != identity.SecurityQuestions || b.NewPassword == "" {
			t.Fatalf("accepted %+v", b)
		}
	})
}

// FuzzRequestBody decodes arbitrary link requests.
func FuzzRequestBody(f *testing.F) {
	f.Add([]byte(`{"email":"a@b.example"}`))
	f.Add([]byte(`{"email":["a"]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var b reset.RequestBody
		if err := httpapi.DecodeJSONBody(bytes.NewReader(body), &b); err != nil && fault.As(err).Kind == fault.Internal {
			t.Fatalf("body %q = %v; want a client error", body, err)
		}
	})
}
