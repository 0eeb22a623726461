package coldstart

import (
	"strings"
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	ms := func(vs ...float64) []time.Duration {
		ds := make([]time.Duration, len(vs))
		for i, v := range vs {
			ds[i] = time.Duration(v * float64(time.Millisecond))
		}
		return ds
	}
	tests := []struct {
		name string
		ds   []time.Duration
		q    float64
		want time.Duration
	}{
		{"none", nil, 0.5, 0},
		{"one", ms(7), 0.5, 7 * time.Millisecond},
		{"odd count, unsorted", ms(9, 1, 5), 0.5, 5 * time.Millisecond},
		{"even count: mean of the middle two", ms(4, 1, 3, 2), 0.5, 2500 * time.Microsecond},
		{"lower quartile", ms(1, 2, 3, 4, 5), 0.25, 2 * time.Millisecond},
		{"upper quartile, interpolated", ms(1, 2, 3, 4), 0.75, 3250 * time.Microsecond},
		{"maximum", ms(3, 1, 2), 1, 3 * time.Millisecond},
		{"outlier leaves the median alone", ms(1, 2, 900), 0.5, 2 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Quantile(tt.ds, tt.q); got != tt.want {
				t.Errorf("Quantile(%v, %v) = %v; want %v", tt.ds, tt.q, got, tt.want)
			}
		})
	}
}

func TestQuantileLeavesSamplesInOrder(t *testing.T) {
	ds := []time.Duration{3, 1, 2}
	Quantile(ds, 0.5)
	if ds[0] != 3 || ds[1] != 1 || ds[2] != 2 {
		t.Errorf("Quantile sorted its argument: %v", ds)
	}
}

func TestSummarise(t *testing.T) {
	got := Summarise([]Result{{
		Binary: Binary{Name: "web", Size: 42},
		Samples: []Sample{
			{Init: 30, CPU: 3, MaxRSS: 300},
			{Init: 10, CPU: 9, MaxRSS: 100},
			{Init: 20, CPU: 1, MaxRSS: 200},
			{Init: 50, CPU: 5, MaxRSS: 500},
			{Init: 40, CPU: 4, MaxRSS: 400},
		},
	}})
	want := Summary{Name: "web", Runs: 5, Median: 30, P25: 20, P75: 40, CPU: 4, MaxRSS: 300, Size: 42}
	if len(got) != 1 || got[0] != want {
		t.Errorf("Summarise() = %+v; want [%+v]", got, want)
	}
}

func TestWriteTable(t *testing.T) {
	rows := []Summary{
		{Name: "web", Median: 26 * time.Millisecond, P25: 25_500 * time.Microsecond, P75: 27_250 * time.Microsecond,
			CPU: 31 * time.Millisecond, MaxRSS: 41_000_000, Size: 24_314_018},
		{Name: "hello-world", Median: 1700 * time.Microsecond, P25: 1600 * time.Microsecond, P75: 1800 * time.Microsecond,
			CPU: 1500 * time.Microsecond, MaxRSS: 6_100_000, Size: 6_287_522},
		{Name: "bare SDK", Median: 6500 * time.Microsecond, P25: 6 * time.Millisecond, P75: 7 * time.Millisecond,
			CPU: 7 * time.Millisecond, MaxRSS: 12_340_000, Size: 8_655_010},
	}
	var b strings.Builder
	if err := WriteTable(&b, rows, "bare SDK", "hello-world"); err != nil {
		t.Fatal(err)
	}
	want := `| binary | median init | p25–p75 | × bare SDK | × hello-world | CPU | max RSS | size linux/arm64 | |
|---|--:|--:|--:|--:|--:|--:|--:|--:|
| web | 26.0 ms | 25.5–27.2 ms | 4.00× | 15.29× | 31.0 ms | 41.0 MB | 24 314 018 bytes | 24.3 MB |
| hello-world | 1.7 ms | 1.6–1.8 ms | 0.26× | 1.00× | 1.5 ms | 6.1 MB | 6 287 522 bytes | 6.3 MB |
| bare SDK | 6.5 ms | 6.0–7.0 ms | 1.00× | 3.82× | 7.0 ms | 12.3 MB | 8 655 010 bytes | 8.7 MB |
`
	if got := b.String(); got != want {
		t.Errorf("WriteTable() =\n%s\nwant\n%s", got, want)
	}
}

func TestWriteTableNeedsItsBase(t *testing.T) {
	rows := []Summary{{Name: "web", Median: time.Millisecond}}
	if err := WriteTable(&strings.Builder{}, rows, "bare SDK"); err == nil {
		t.Error("WriteTable() without a bare SDK row = nil; want an error")
	}
}

func TestGroupDigits(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1 000", 6287522: "6 287 522", -1234: "-1 234"} {
		if got := groupDigits(n); got != want {
			t.Errorf("groupDigits(%d) = %q; want %q", n, got, want)
		}
	}
}
