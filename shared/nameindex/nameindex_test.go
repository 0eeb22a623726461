package nameindex

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Société  Générale", "societe generale"},
		{"  ÜNÏCODE\tFreight\u00a0Lines ", "unicode freight lines"},
		{"Straße Økonomi Łódź", "strasse okonomi lodz"},
		{"ＡＣＭＥ ﬁsh", "acme fish"},
		{"Ångström", "angstrom"},
		{"", ""},
	} {
		if got := Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestForBoundsTheKey(t *testing.T) {
	e := For("NAMES#X", strings.Repeat("\ufdfa", 200), "id1") // each folds to 18 letters
	if len(e.NameSK) > maxKey+len("#id1") || !utf8.ValidString(e.NameSK) || !strings.HasSuffix(e.NameSK, "#id1") {
		t.Errorf("For of a long name: %d bytes, valid %v", len(e.NameSK), utf8.ValidString(e.NameSK))
	}
}

// FuzzFold: folding never panics, gives valid UTF-8 without leading,
// trailing or doubled spaces, and folding again changes nothing.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"Société Générale", "ＡＣＭＥ", "ᴬ", "\u212b", "ẞ", "İstanbul", "a\u0301\u0301  b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if !utf8.ValidString(s) {
			return
		}
		if !utf8.ValidString(got) || strings.Contains(got, "  ") || strings.TrimSpace(got) != got {
			t.Fatalf("Fold(%q) = %q", s, got)
		}
		if again := Fold(got); again != got {
			t.Fatalf("Fold(%q) = %q, folded again %q", s, got, again)
		}
	})
}
