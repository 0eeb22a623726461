package session

import "testing"

func TestOriginOf(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://portal.example", "https://portal.example"},
		{"https://Portal.Example/", "https://portal.example"},
		{"https://portal.example:443/app", "https://portal.example"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://portal.example:80", "http://portal.example"},
		{"https://portal.example:8443", "https://portal.example:8443"},
		{"http://[::1]:8080", "http://[::1]:8080"},
		{"ftp://portal.example", ""},
		{"portal.example", ""},
		{"", ""},
	} {
		if got := OriginOf(tt.in); got != tt.want {
			t.Errorf("OriginOf(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
