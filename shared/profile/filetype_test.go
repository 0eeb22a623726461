package profile_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/partner-portal/portal/shared/profile"
)

func TestContentFits(t *testing.T) {
	mz := []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00")
	for _, tt := range []struct {
		ct    string
		head  string
		whole bool
		want  bool
	}{
		{"application/pdf", "%PDF-1.7\n%âãÏÓ", true, true},
		{"application/pdf", string(mz), true, false},
		{"application/pdf", " %PDF-1.7", true, false},
		{"application/pdf", "%PDF", true, false},
		{"image/png", "\x89PNG\r\n\x1a\n....", true, true},
		{"image/png", "\x89PNG\n", true, false},
		{"image/jpeg", "\xff\xd8\xff\xdb", true, true},
		{"image/jpeg", "\xff\xd8", true, false},
		{docx, "PK\x03\x04\x14\x00", true, true},
		{xlsx, "PK\x05\x06", true, false},
		{"text/plain", "plain text\r\n\ttabbed", true, true},
		{"text/plain", "", true, true},
		{"text/plain", "a\x00b", true, false},
		{"text/plain", string(mz), true, false},
		{"text/plain", "caf\xc3", true, false}, // cut rune: the file ends there
		{"text/plain", "caf\xc3", false, true}, // cut rune: the range ends there
		{"text/plain", "caf\xe4\xb8", false, true},
		{"text/plain", "caf\xff", false, false}, // not UTF-8 however it is cut
		{"text/plain", "\xc3caf\xc3", false, false},
		{"image/gif", "GIF89a", true, false},
	} {
		if got := profile.ContentFits(tt.ct, []byte(tt.head), tt.whole); got != tt.want {
			t.Errorf("ContentFits(%s, %q, %v) = %v; want %v", tt.ct, tt.head, tt.whole, got, tt.want)
		}
	}
}

func TestDownloadName(t *testing.T) {
	for _, tt := range []struct{ name, ct, want string }{
		{"policy.pdf", "application/pdf", "policy.pdf"},
		{"Scan.JPEG", "image/jpeg", "Scan.JPEG"},
		{"x.hta", "application/pdf", "x.hta.pdf"},
		{"notes", "text/plain", "notes.txt"},
		{"photo.png", "image/jpeg", "photo.png.jpg"},
	} {
		if got := profile.DownloadName(tt.name, tt.ct); got != tt.want {
			t.Errorf("DownloadName(%q, %s) = %q; want %q", tt.name, tt.ct, got, tt.want)
		}
	}
}

func TestCheckEvidenceTypes(t *testing.T) {
	if err := profile.CheckEvidenceTypes(profile.DefaultEvidence.Types); err != nil {
		t.Errorf("the default types: %v", err)
	}
	if err := profile.CheckEvidenceTypes([]string{"application/pdf", "image/gif", "text/html"}); err == nil ||
		!strings.Contains(err.Error(), "image/gif, text/html cannot be checked") {
		t.Errorf("unknown types: %v; want both named", err)
	}
}

// FuzzContentFits: the sniffing never panics; a binary type is accepted only
// with its signature at the start, text only as UTF-8 without NULs (but for
// a character cut at the end of a partial read), and an MZ executable header
// is never accepted.
func FuzzContentFits(f *testing.F) {
	f.Add(0, []byte("%PDF-1.4"), true)
	f.Add(1, []byte("\x89PNG\r\n\x1a\n"), true)
	f.Add(2, []byte("\xff\xd8\xff\xe0"), false)
	f.Add(3, []byte("PK\x03\x04"), true)
	f.Add(5, []byte("caf\xc3"), false)
	f.Add(5, []byte("MZ\x90\x00\x03"), true)
	f.Add(0, []byte("MZ\x90\x00\x03"), true)
	types := profile.DefaultEvidence.Types
	sigs := map[string]string{"application/pdf": "%PDF-", "image/png": "\x89PNG\r\n\x1a\n", "image/jpeg": "\xff\xd8\xff", docx: "PK\x03\x04", xlsx: "PK\x03\x04"}
	f.Fuzz(func(t *testing.T, i int, head []byte, whole bool) {
		ct := types[uint(i)%uint(len(types))]
		if !profile.ContentFits(ct, head, whole) {
			return
		}
		if sig, ok := sigs[ct]; ok && !bytes.HasPrefix(head, []byte(sig)) {
			t.Fatalf("%s accepted %q without its signature", ct, head)
		}
		if ct == "text/plain" {
			if bytes.IndexByte(head, 0) >= 0 {
				t.Fatalf("text with a NUL accepted: %q", head)
			}
			valid := utf8.Valid(head)
			for k := 1; !whole && !valid && k < utf8.UTFMax && k <= len(head); k++ {
				valid = utf8.Valid(head[:len(head)-k])
			}
			if !valid {
				t.Fatalf("text accepted %q (whole %v), which is not UTF-8", head, whole)
			}
		}
		if bytes.HasPrefix(head, []byte("MZ")) && bytes.IndexByte(head, 0) >= 0 {
			t.Fatalf("%s accepted an executable header %q", ct, head)
		}
	})
}

// FuzzDownloadName: whatever name a stored file has, it is saved under a
// name ending in an extension of its type, starting with the stored name.
func FuzzDownloadName(f *testing.F) {
	f.Add("policy.pdf", 0)
	f.Add("x.hta", 0)
	f.Add("Scan.JPEG", 2)
	f.Add("", 5)
	f.Add("a.b.c.", 3)
	types := profile.DefaultEvidence.Types
	f.Fuzz(func(t *testing.T, name string, i int) {
		ct := types[uint(i)%uint(len(types))]
		got := profile.DownloadName(name, ct)
		if !profile.NameFits(got, ct) || !strings.HasPrefix(got, name) {
			t.Fatalf("DownloadName(%q, %s) = %q", name, ct, got)
		}
	})
}
