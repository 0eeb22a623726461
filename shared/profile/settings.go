package profile

import (
	"fmt"

	"github.com/partner-portal/portal/shared/config"
)

// EvidenceFrom reads the evidence settings: BUCKET_NAME, EVIDENCE_TYPES,
// EVIDENCE_MAX_BYTES, EVIDENCE_MAX_FILES, EVIDENCE_UPLOAD_TTL and
// EVIDENCE_DOWNLOAD_TTL (DefaultEvidence where unset). Malformed numbers are
// reported by env.Err; unknown types here.
func EvidenceFrom(env *config.Env) (EvidenceConfig, error) {
	c := EvidenceConfig{
		Bucket:      env.Required("BUCKET_NAME"),
		Types:       env.List("EVIDENCE_TYPES", DefaultEvidence.Types),
		MaxBytes:    int64(env.Int("EVIDENCE_MAX_BYTES", int(DefaultEvidence.MaxBytes), 1, 5<<30)),
		MaxFiles:    env.Int("EVIDENCE_MAX_FILES", DefaultEvidence.MaxFiles, 1, 1000),
		UploadTTL:   env.Duration("EVIDENCE_UPLOAD_TTL", DefaultEvidence.UploadTTL),
		DownloadTTL: env.Duration("EVIDENCE_DOWNLOAD_TTL", DefaultEvidence.DownloadTTL),
		PendingTTL:  DefaultEvidence.PendingTTL,
	}
	if err := CheckEvidenceTypes(c.Types); err != nil {
		return c, fmt.Errorf("EVIDENCE_TYPES: %w", err)
	}
	return c, nil
}
