package staff_test

import (
	"bytes"
	"testing"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/staff"
)

// FuzzStaffRequests: whatever a client sends to the staff routes, decoding
// and validation never panic, every refusal is a 400 naming a field or the
// body, and what passes is a normalised address and a staff role.
func FuzzStaffRequests(f *testing.F) {
	for _, s := range []string{`{"email":"A@B.example","role":"scss"}`, `{"role":"admin"}`, `{"email":"x\r\nBcc: y@z","role":"owner"}`,
		`{"name":"Sam","password":"p","securityAnswers":[{"questionId":"q01","answer":"a"}]}`, `[]`, `{"role":7}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var inv staff.InvitationRequest
		if err := httpapi.DecodeJSONBody(bytes.NewReader(body), &inv); err == nil {
			email, role, err := inv.Validate()
			if err == nil {
				if norm, nerr := mail.Normalize(email); nerr != nil || norm != email || (role != identity.Admin && role != identity.SCSS) {
					t.Fatalf("invitation %q passed as %q %q", body, email, role)
				}
			} else if fe := fault.As(err); fe.Kind != fault.Invalid || len(fe.Details) == 0 {
				t.Fatalf("invitation %q refused with %v", body, err)
			}
		}
		var rr staff.RoleRequest
		if err := httpapi.DecodeJSONBody(bytes.NewReader(body), &rr); err == nil {
			if role, err := rr.Validate(); err == nil && role != identity.Admin && role != identity.SCSS {
				t.Fatalf("role %q passed as %q", body, role)
			}
		}
		var su staff.SignUpRequest
		if err := httpapi.DecodeJSONBody(bytes.NewReader(body), &su); err == nil {
			_, _ = identity.SignUpRequest{Email: "staff@agency.example", Password: su.Password, Name: su.Name, SecurityAnswers: su.SecurityAnswers}.Validate()
		}
	})
}
