package reset_test

import (
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/portal"
)

// BenchmarkResetRequest times POST /v1/password-resets for a known and an
// unknown email, without the response-time floor (the raw difference) and
// with the default 300 ms floor (what a client sees).
func BenchmarkResetRequest(b *testing.B) {
	for _, floor := range []time.Duration{0, 300 * time.Millisecond} {
		e := newEnv(b, func(c *portal.Config) { c.Resets.PerHour = 1 << 20 })
		e.d.Resets.Config.MinDuration = floor
		known, _ := e.user("bench")
		for _, who := range []struct{ name, email string }{{"known", known}, {"unknown", testenv.Email("nobody")}} {
			b.Run("floor="+floor.String()+"/"+who.name, func(b *testing.B) {
				for b.Loop() {
					if r := e.call("POST", "/v1/password-resets", "", map[string]string{"email": who.email}); r.Status != 202 {
						b.Fatalf("status %d", r.Status)
					}
				}
			})
		}
	}
}
