package profile_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/profile"
)

// FuzzSaveRequest decodes and validates arbitrary answer bodies.
func FuzzSaveRequest(f *testing.F) {
	f.Add([]byte(`{"answer":"yes","narrative":"x","version":0}`))
	f.Add([]byte(`{"answer":"no","narrative":"\u0000","version":-1}`))
	f.Add([]byte(`{"answer":"maybe","version":"1"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var r profile.SaveRequest
		err := httpapi.DecodeJSONBody(bytes.NewReader(body), &r)
		if err == nil {
			err = r.Validate()
		}
		if err != nil {
			if k := fault.As(err).Kind; k == fault.Internal || fault.As(err).Code == "" {
				t.Fatalf("body %q = %v; want a client error", body, err)
			}
			return
		}
		if !slices.Contains(profile.Answers, r.Answer) || r.Version == nil || *r.Version < 0 || utf8.RuneCountInString(r.Narrative) > profile.MaxNarrative {
			t.Fatalf("accepted %+v", r)
		}
	})
}

// FuzzEvidenceRequest decodes and validates arbitrary upload requests: what
// is accepted is an allowed type, a size within the limit, and a file name
// that is not a path, has no invisible formatting characters and ends in an
// extension of the type.
func FuzzEvidenceRequest(f *testing.F) {
	f.Add([]byte(`{"fileName":"a.pdf","contentType":"application/pdf","size":10}`))
	f.Add([]byte(`{"fileName":"../x.exe","contentType":"application/pdf; charset=x","size":-1}`))
	f.Add([]byte(`{"fileName":"a.PDF","contentType":"APPLICATION/PDF","size":26214400}`))
	f.Add([]byte(`{"fileName":"x.hta","contentType":"application/pdf","size":10}`))
	f.Add([]byte(`{"fileName":"a\u202egnp.pdf","contentType":"application/pdf","size":10}`))
	f.Add([]byte(`{"fileName":"Scan.JPEG","contentType":"image/jpeg; q=1","size":10}`))
	cfg := profile.DefaultEvidence
	f.Fuzz(func(t *testing.T, body []byte) {
		var r profile.EvidenceRequest
		err := httpapi.DecodeJSONBody(bytes.NewReader(body), &r)
		var ne profile.NewEvidence
		if err == nil {
			ne, err = r.Validate(cfg)
		}
		if err != nil {
			if k := fault.As(err).Kind; k != fault.Invalid && k != fault.UnsupportedMedia && k != fault.TooLarge {
				t.Fatalf("body %q = %v; want 400, 413 or 415", body, err)
			}
			return
		}
		if !slices.Contains(cfg.Types, ne.ContentType) || ne.Size < 1 || ne.Size > cfg.MaxBytes ||
			strings.ContainsAny(ne.FileName, `/\`) || ne.FileName == "" || !profile.NameFits(ne.FileName, ne.ContentType) ||
			strings.IndexFunc(ne.FileName, func(r rune) bool { return unicode.Is(unicode.Cf, r) }) >= 0 {
			t.Fatalf("accepted %+v", ne)
		}
	})
}
