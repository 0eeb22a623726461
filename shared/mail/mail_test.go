package mail

import (
	"strings"
	"testing"
)

func TestAddress(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"owner@importer.example", "owner@importer.example", true},
		{"  Owner@Importer.EXAMPLE ", "Owner@importer.example", true},
		{"first.last+tag@sub.example.org", "first.last+tag@sub.example.org", true},
		{"", "", false},
		{"owner", "", false},
		{"owner@", "", false},
		{"@importer.example", "", false},
		{"owner@localhost", "", false},
		{"owner@@importer.example", "", false},
		{"a@b@importer.example", "", false},
		{"Owner <owner@importer.example>", "", false},
		{"owner@importer.example\r\nBcc: victim@evil.example", "", false},
		{"owner@importer.example\nSubject: hi", "", false},
		{"owner@importer.example,other@evil.example", "", false},
		{"owner@importer.example;other@evil.example", "", false},
		{`"quoted"@importer.example`, "", false},
		{"owner@importer..example", "", false},
		{"owner@.importer.example", "", false},
		{"ünïcode@importer.example", "", false},
		{strings.Repeat("a", 65) + "@importer.example", "", false},
		{"a@" + strings.Repeat("b", 250) + ".example", "", false},
	}
	for _, tt := range tests {
		got, err := Address(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Address(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if got, _ := Normalize(" Owner@Importer.Example"); got != "owner@importer.example" {
		t.Errorf("Normalize = %q", got)
	}
}

// FuzzAddress: whatever is accepted is one plain address with no character
// that could start a new header line or a second recipient.
func FuzzAddress(f *testing.F) {
	for _, s := range []string{"owner@importer.example", "a@b.c\r\nBcc: x@y.z", "\"a b\"@c.d", "x@y.z,w@v.u", "=?utf-8?q?x?=@a.b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Address(s)
		if err != nil {
			return
		}
		if strings.ContainsAny(got, "\r\n\x00,;<> \t\"") || strings.Count(got, "@") != 1 || len(got) > MaxAddressLength {
			t.Fatalf("Address(%q) accepted %q", s, got)
		}
		again, err := Address(got)
		if err != nil || again != got {
			t.Fatalf("Address(%q) = %q, not stable: %q, %v", s, got, again, err)
		}
	})
}

func TestTemplatesRender(t *testing.T) {
	s, err := NewSender(nil, "no-reply@portal.example", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	subject, text, html, err := s.Render(Message{Template: "lockout", Data: map[string]any{
		"Name": "<script>x</script>", "Attempts": 5, "Until": "10:30 UTC", "ResetURL": "https://portal.example/forgot-password",
	}})
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Your Partner Portal account is locked" || !strings.Contains(text, "5 failed sign-in attempts") {
		t.Errorf("subject %q, text %q", subject, text)
	}
	if strings.Contains(html, "<script>") || !strings.Contains(html, "&lt;script&gt;") {
		t.Errorf("html does not escape the name: %s", html)
	}
	if _, _, _, err := s.Render(Message{Template: "lockout", Data: map[string]any{"Name": "x"}}); err == nil {
		t.Errorf("Render with missing data = nil error; want missingkey error")
	}
}
