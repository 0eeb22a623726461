package library_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/library"
	"github.com/partner-portal/portal/shared/profile"
)

// FuzzUploadRequest decodes and validates arbitrary upload requests: what is
// refused is a client error (400 or 415); what is accepted has a clean title,
// a known category and programme, a PDF file name that is not a path and a
// size within the limit.
func FuzzUploadRequest(f *testing.F) {
	f.Add([]byte(`{"title":"Guide","category":"guidance","fileName":"a.pdf","size":10}`))
	f.Add([]byte(`{"title":"G","category":"forms","program":"ctpat_security","fileName":"a.PDF","contentType":"application/pdf","size":26214400}`))
	f.Add([]byte(`{"title":"\u202e","category":"x","program":"y","fileName":"../a.exe","contentType":"text/html","size":-1}`))
	f.Add([]byte(`{"title":"a\u0000b","category":"bulletin","fileName":"a\u200b.pdf","size":"1"}`))
	const max = 25 << 20
	f.Fuzz(func(t *testing.T, body []byte) {
		var r library.UploadRequest
		err := httpapi.DecodeJSONBody(bytes.NewReader(body), &r)
		var nd library.NewDocument
		if err == nil {
			nd, err = r.Validate(max)
		}
		if err != nil {
			if k := fault.As(err).Kind; k != fault.Invalid && k != fault.UnsupportedMedia && k != fault.TooLarge {
				t.Fatalf("body %q = %v; want 400, 413 or 415", body, err)
			}
			return
		}
		if nd.Title == "" || utf8.RuneCountInString(nd.Title) > library.MaxTitle || nd.Title != strings.TrimSpace(nd.Title) ||
			strings.IndexFunc(nd.Title, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0 {
			t.Fatalf("accepted title %q", nd.Title)
		}
		if !slices.Contains(library.Categories, nd.Category) || (nd.Program != "" && !slices.Contains(accounts.Programs, nd.Program)) {
			t.Fatalf("accepted category %q, program %q", nd.Category, nd.Program)
		}
		if nd.Size < 1 || nd.Size > max || strings.ContainsAny(nd.FileName, `/\`) || !profile.NameFits(nd.FileName, library.ContentType) ||
			strings.IndexFunc(nd.FileName, func(r rune) bool { return unicode.Is(unicode.Cf, r) }) >= 0 {
			t.Fatalf("accepted file %q of %d bytes", nd.FileName, nd.Size)
		}
	})
}

// FuzzParseFilter: a filter is accepted only with known values.
func FuzzParseFilter(f *testing.F) {
	f.Add("", "")
	f.Add("forms", "ctpat_security")
	f.Add("Forms", "ctpat_security ")
	f.Fuzz(func(t *testing.T, category, program string) {
		got, err := library.ParseFilter(category, program)
		if err != nil {
			if fault.As(err).Kind != fault.Invalid {
				t.Fatalf("ParseFilter(%q, %q) = %v; want a 400", category, program, err)
			}
			return
		}
		if (got.Category != "" && !slices.Contains(library.Categories, got.Category)) || (got.Program != "" && !slices.Contains(accounts.Programs, got.Program)) {
			t.Fatalf("ParseFilter(%q, %q) = %+v", category, program, got)
		}
	})
}
