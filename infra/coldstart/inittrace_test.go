package coldstart

import (
	"testing"
	"time"
)

func TestParseInitTrace(t *testing.T) {
	out := `init internal/bytealg @0.005 ms, 0 ms clock, 0 bytes, 0 allocs
init github.com/trustelem/zxcvbn/matching @3.1 ms, 14.250 ms clock, 9914632 bytes, 61234 allocs
{"level":"INFO","msg":"not a trace line"}
init unicode @0.2 ms, 0.012 ms clock, 24 bytes, 1 allocs
`
	got := ParseInitTrace(out)
	want := []InitCost{
		{Pkg: "internal/bytealg"},
		{Pkg: "github.com/trustelem/zxcvbn/matching", Clock: 14250 * time.Microsecond, Bytes: 9914632, Allocs: 61234},
		{Pkg: "unicode", Clock: 12 * time.Microsecond, Bytes: 24, Allocs: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("ParseInitTrace() = %+v; want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ParseInitTrace()[%d] = %+v; want %+v", i, got[i], want[i])
		}
	}
}
