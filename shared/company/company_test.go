package company

import (
	"regexp"
	"strings"
	"testing"

	"github.com/partner-portal/portal/shared/fault"
)

func TestIsPOBox(t *testing.T) {
	boxes := []string{
		"PO Box 123", "P.O. Box 123", "p o box 9", "P. O. Box 9", "PO-Box 4", "P.O.Box12", "POBox 12", "pobox", "POBOX 7",
		"POB 77", "P.O.B. 12", "p o b 3", "PO Drawer 5", "P.O. Drawer 5", "PO #12", "P.O. # 12", "Suite 4, PO #12",
		"Post Office Box 5", "post-office box 5", "PostOfficeBox 5", "Post Box 8", "Postbox 8", "Postal Box 8",
		"Box 12", "box #12", "Box No. 12", "PO 123", "P.O. 123", "BP 1234", "B.P. 1234",
		"P0 Box 3", "PO B0X 3", "Private Bag 4", "Locked Bag 2001", "Postfach 10 01 01", "Apartado Postal 45",
		"Attn: Receiving, P.O. Box 9", "1200 Harbor Blvd, PO Box 9",
	}
	for _, s := range boxes {
		if !IsPOBox(s) {
			t.Errorf("IsPOBox(%q) = false; want true", s)
		}
	}
	streets := []string{
		"1200 Harbor Blvd", "15 Boxwood Lane", "7 Post Office Road", "22 Pond Street", "Apt 4B", "9 Poplar Ave",
		"500 Pobst Drive", "Via Po 12", "1 Box Hill Road", "Boxer Street 4", "12 Postal Way", "Post Road 3",
		"3 Poe Street", "88 Bowery", "Postma Straat 4", "",
	}
	for _, s := range streets {
		if IsPOBox(s) {
			t.Errorf("IsPOBox(%q) = true; want false", s)
		}
	}
}

func TestIdentifiers(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"12-3456789", "12-3456789"}, {" 123456789 ", "12-3456789"}, {"12-345678", ""}, {"AB-3456789", ""},
		{"00-1234567", ""}, {"12--3456789", ""}, {"12-34567890", ""}, {"１2-3456789", ""},
	} {
		got, ok := NormalizeEIN(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("NormalizeEIN(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"260301-00042", "260301-00042"}, {"26030100042", "260301-00042"}, {"000000-00000", ""}, {"12-3456789", ""},
		{"260301-0004", ""}, {"2603010-00042", ""}, {"26O301-00042", ""},
	} {
		got, ok := NormalizeProtestFiler(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("NormalizeProtestFiler(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, tt := range []struct {
		in   string
		want bool
	}{{"+1 (202) 555-0143", true}, {"202.555.0143", true}, {"  +44  20 7946 0958 ", true}, {"555-01", false},
		{"+1 202 555 0143 ext 9", false}, {"++12025550143", false}, {"1234567890123456", false}} {
		if _, ok := NormalizePhone(tt.in); ok != tt.want {
			t.Errorf("NormalizePhone(%q) ok = %v; want %v", tt.in, ok, tt.want)
		}
	}
	for _, tt := range []struct {
		in   string
		want bool
	}{{"1", true}, {"123456", true}, {"", false}, {"1234567", false}, {"12a", false}, {" 12", false}} {
		if got := ValidExtension(tt.in); got != tt.want {
			t.Errorf("ValidExtension(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func TestAddressCheck(t *testing.T) {
	var f fault.Fields
	a := Address{Street1: "  1200   Harbor Blvd ", City: "Long Beach", State: "CA", PostalCode: "90802-1234", Country: "us"}.Check(&f, "company.address")
	if len(f) != 0 || a.Street1 != "1200 Harbor Blvd" || a.Country != "US" {
		t.Errorf("a good address = %+v, %v", a, f)
	}
	f = nil
	Address{Street1: "P.O. Box 4", Street2: "pobox 9", City: "", State: "x\u202e", PostalCode: "9", Country: "USA"}.Check(&f, "company.address")
	var fields []string
	for _, d := range f {
		fields = append(fields, d.Field)
	}
	want := "company.address.street1,company.address.street2,company.address.city,company.address.state,company.address.postalCode,company.address.country"
	if strings.Join(fields, ",") != want {
		t.Errorf("fields named = %v; want %s", fields, want)
	}
	f = nil
	Address{Street1: "1 Rue de la Paix", City: "Paris", State: "Île-de-France", PostalCode: "75002", Country: "FR"}.Check(&f, "a")
	if len(f) != 0 {
		t.Errorf("a French address: %v", f)
	}
}

// boxSpellings are the box phrases the fuzz target writes with any
// separators between their letters' groups and any case.
var boxSpellings = [][]string{
	{"P", "O", "Box"}, {"P", "O", "B"}, {"P", "O", "Drawer"}, {"Post", "Office", "Box"}, {"Postal", "Box"},
	{"Post", "Box"}, {"PO", "Box"}, {"Private", "Bag"}, {"Locked", "Bag"}, {"Postfach"}, {"P", "O", "#"},
}

// separators go between the groups of a spelling.
var separators = []string{"", ".", ". ", " ", "-", ".-", "  ", " . "}

// FuzzIsPOBox: a box phrase in any spelling, case and punctuation, after
// any text, is a post-office box, and Address.Check names the field; and
// for any line the answer does not depend on ASCII letter case.
func FuzzIsPOBox(f *testing.F) {
	f.Add("1200 Harbor Blvd", uint8(0), uint8(1), uint8(3), uint16(12), uint64(0x55))
	f.Add("", uint8(2), uint8(0), uint8(0), uint16(0), uint64(0))
	f.Add("Attn: Receiving", uint8(10), uint8(2), uint8(4), uint16(999), uint64(0xffff))
	f.Fuzz(func(t *testing.T, prefix string, spelling, sepA, sepB uint8, number uint16, caseMask uint64) {
		groups := boxSpellings[int(spelling)%len(boxSpellings)]
		var phrase strings.Builder
		for i, g := range groups {
			if i > 0 {
				phrase.WriteString(separators[int([]uint8{sepA, sepB}[i%2])%len(separators)])
			}
			phrase.WriteString(g)
		}
		var cased strings.Builder
		for i, r := range phrase.String() {
			if caseMask>>(uint(i)%64)&1 == 1 {
				r = []rune(strings.ToUpper(string(r)))[0]
			} else {
				r = []rune(strings.ToLower(string(r)))[0]
			}
			cased.WriteRune(r)
		}
		line := prefix + ", " + cased.String() + " " + itoa(number)
		if !IsPOBox(line) {
			t.Errorf("IsPOBox(%q) = false; want true (form %q)", line, boxForm(line))
		}
		var fs fault.Fields
		Address{Street1: "1 Main St", Street2: line, City: "C", State: "S", PostalCode: "12345", Country: "US"}.Check(&fs, "a")
		named := false
		for _, d := range fs {
			named = named || d.Field == "a.street2"
		}
		if !named && validName(line) {
			t.Errorf("Address.Check did not name street2 = %q", line)
		}
		if IsPOBox(prefix) != IsPOBox(asciiUpper(prefix)) || IsPOBox(prefix) != IsPOBox(asciiLower(prefix)) {
			t.Errorf("IsPOBox(%q) changes with ASCII case", prefix)
		}
	})
}

// validName: the line passes Line's character rules (it is then checked
// for a box; otherwise it is refused for its characters).
func validName(s string) bool {
	var f fault.Fields
	Line(&f, "x", s, false)
	return len(f) == 0
}

func itoa(n uint16) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}

func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

var (
	einForm   = regexp.MustCompile(`^\d{2}-\d{7}$`)
	filerForm = regexp.MustCompile(`^\d{6}-\d{5}$`)
)

// FuzzIdentifiers: whatever an identifier normaliser accepts comes out in
// its one stored form, which it accepts again unchanged; an EIN is never a
// filer number and the other way round.
func FuzzIdentifiers(f *testing.F) {
	for _, s := range []string{"12-3456789", "123456789", "260301-00042", "26030100042", " 00-0000000", "12-3456789\n", "+1 202 555 0143"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if e, ok := NormalizeEIN(s); ok {
			if !einForm.MatchString(e) || strings.HasPrefix(e, "00") {
				t.Errorf("NormalizeEIN(%q) = %q", s, e)
			}
			if again, ok := NormalizeEIN(e); !ok || again != e {
				t.Errorf("NormalizeEIN(%q) = %q, %v; want it unchanged", e, again, ok)
			}
			if _, ok := NormalizeProtestFiler(s); ok {
				t.Errorf("%q is both an EIN and a filer number", s)
			}
		}
		if n, ok := NormalizeProtestFiler(s); ok {
			if !filerForm.MatchString(n) {
				t.Errorf("NormalizeProtestFiler(%q) = %q", s, n)
			}
			if again, ok := NormalizeProtestFiler(n); !ok || again != n {
				t.Errorf("NormalizeProtestFiler(%q) = %q, %v; want it unchanged", n, again, ok)
			}
		}
		if p, ok := NormalizePhone(s); ok {
			if again, ok := NormalizePhone(p); !ok || again != p {
				t.Errorf("NormalizePhone(%q) = %q, %v; want it unchanged", p, again, ok)
			}
			if strings.ContainsAny(p, "\r\n\t") {
				t.Errorf("NormalizePhone(%q) = %q keeps a control character", s, p)
			}
		}
	})
}
