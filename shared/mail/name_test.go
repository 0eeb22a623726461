package mail

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestName(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"Pat Partner", "Pat Partner", true},
		{"  Pat \t Partner\r\n", "Pat Partner", true},
		{"Zoë Ødegård-Łukasiewicz", "Zoë Ødegård-Łukasiewicz", true},
		{"ACME Freight (Rotterdam) B.V.", "ACME Freight (Rotterdam) B.V.", true},
		{"شركة الشحن", "شركة الشحن", true}, // right-to-left letters are fine; only the controls are not
		{"山田 太郎", "山田 太郎", true},
		{"Pat\u00a0Partner", "Pat Partner", true}, // no-break space is white space
		{"", "", true}, // emptiness is the caller's rule
		{"Pat\x00Partner", "", false},
		{"Pat\x1bPartner", "", false},
		{"Pat\x7fPartner", "", false},
		{"Pat\u0085Partner", "", false}, // next line (C1 control)
		{"Pat\vPartner", "", false},
		{"ACME\u202eeciovni.exe", "", false}, // right-to-left override
		{"ACME\u202aX\u202c", "", false},     // left-to-right embedding, pop
		{"ACME\u202bX", "", false},
		{"ACME\u202dX", "", false},
		{"ACME\u2066X\u2069", "", false}, // isolates
		{"ACME\u2067X", "", false},
		{"ACME\u2068X", "", false},
		{"Pay\u200bPal", "", false}, // zero-width space
		{"Pay\u200cPal", "", false},
		{"Pay\u200dPal", "", false},
		{"Pat\u200ePartner", "", false}, // left-to-right mark
		{"Pat\u200fPartner", "", false}, // right-to-left mark
		{"Pat\u2028Partner", "", false}, // line separator
		{"Pat\u2029Partner", "", false}, // paragraph separator
		{"\ufeffPat Partner", "", false},
		{"Pat\u061cPartner", "", false},     // Arabic letter mark
		{"Pat\u180ePartner", "", false},     // Mongolian vowel separator
		{"Pat\u2060Partner", "", false},     // word joiner
		{"Pat\u00adPartner", "", false},     // soft hyphen
		{"Pat\U000e0041Partner", "", false}, // tag character
		{"Pat\xffPartner", "", false},       // not UTF-8
		{"Pat\ufffdPartner", "", false},
	}
	for _, tt := range tests {
		got, err := Name(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Name(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// hidden lists, apart from Name's own rule, the characters issue 11 names
// as ones a name must never carry into an email.
var hidden = [][2]rune{
	{0x0000, 0x0008}, {0x000b, 0x000c}, {0x000e, 0x001f}, {0x007f, 0x009f},
	{0x00ad, 0x00ad}, {0x061c, 0x061c}, {0x180e, 0x180e},
	{0x200b, 0x200f}, {0x2028, 0x202e}, {0x2060, 0x2069}, {0xfeff, 0xfeff},
	{0xfff9, 0xfffb}, {0xfffd, 0xfffd}, {0xe0000, 0xe007f},
}

func isHidden(r rune) bool {
	for _, h := range hidden {
		if h[0] <= r && r <= h[1] {
			return true
		}
	}
	return false
}

// FuzzName: whatever is accepted comes back with none of the hidden
// characters, as valid UTF-8, with single spaces and nothing to trim, and
// unchanged by a second pass; whatever is refused held one of them.
func FuzzName(f *testing.F) {
	for _, s := range []string{"Pat Partner", "ACME\u202eexe.pdf", "Pay\u200bPal", "a\u2028b", "\ufeffx", "\xff", " a \t b ", "شركة\u061c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Name(s)
		if err != nil {
			if utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return isHidden(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) }) < 0 {
				t.Fatalf("Name(%q) refused a name with nothing hidden in it", s)
			}
			return
		}
		if !utf8.ValidString(got) || strings.IndexFunc(got, isHidden) >= 0 || strings.IndexFunc(got, unicode.IsControl) >= 0 {
			t.Fatalf("Name(%q) accepted %q", s, got)
		}
		if strings.TrimSpace(got) != got || strings.Contains(got, "  ") {
			t.Fatalf("Name(%q) = %q; want spaces collapsed and trimmed", s, got)
		}
		again, err := Name(got)
		if err != nil || again != got {
			t.Fatalf("Name(%q) = %q, not stable: %q, %v", s, got, again, err)
		}
	})
}
