package portal_test

import (
	"strings"
	"testing"

	"github.com/partner-portal/portal/shared/config"
	"github.com/partner-portal/portal/shared/portal"
)

// TestEvidenceTypesMustBeCheckable: EVIDENCE_TYPES may name only types whose
// endings and content completion can check; another stops the function at
// start with the type named.
func TestEvidenceTypesMustBeCheckable(t *testing.T) {
	env := map[string]string{"TABLE_NAME": "t", "BUCKET_NAME": "b", "PORTAL_URL": "https://portal.example", "MAIL_FROM": "no-reply@portal.example"}
	if _, err := portal.LoadConfig(config.FromMap(env)); err != nil {
		t.Fatalf("default evidence types: %v", err)
	}
	env["EVIDENCE_TYPES"] = "application/pdf,text/plain"
	if _, err := portal.LoadConfig(config.FromMap(env)); err != nil {
		t.Errorf("EVIDENCE_TYPES=%s: %v", env["EVIDENCE_TYPES"], err)
	}
	env["EVIDENCE_TYPES"] = "application/pdf,text/html"
	if _, err := portal.LoadConfig(config.FromMap(env)); err == nil || !strings.Contains(err.Error(), "EVIDENCE_TYPES: text/html") {
		t.Errorf("EVIDENCE_TYPES=%s: %v; want an error naming text/html", env["EVIDENCE_TYPES"], err)
	}
}
