package coldstart

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Summary is one binary's line of the table.
type Summary struct {
	Name             string
	Runs             int
	Median, P25, P75 time.Duration // of the init times
	CPU              time.Duration // median user + system time
	MaxRSS           int64         // median peak resident set, bytes
	Size             int64
}

// Summarise reduces each result to the medians and quartiles of the table.
func Summarise(results []Result) []Summary {
	out := make([]Summary, len(results))
	for i, r := range results {
		inits := make([]time.Duration, len(r.Samples))
		cpus := make([]time.Duration, len(r.Samples))
		rss := make([]int64, len(r.Samples))
		for j, s := range r.Samples {
			inits[j], cpus[j], rss[j] = s.Init, s.CPU, s.MaxRSS
		}
		out[i] = Summary{
			Name:   r.Binary.Name,
			Runs:   len(r.Samples),
			Median: Quantile(inits, 0.5),
			P25:    Quantile(inits, 0.25),
			P75:    Quantile(inits, 0.75),
			CPU:    Quantile(cpus, 0.5),
			MaxRSS: Quantile(rss, 0.5),
			Size:   r.Binary.Size,
		}
	}
	return out
}

// Quantile is the q-quantile of xs, interpolated between the two nearest
// ranks (so the median of an even count is the mean of the middle two); 0 for
// no samples.
func Quantile[T ~int64](xs []T, q float64) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	lo := int(pos)
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	frac := pos - float64(lo)
	return s[lo] + T(frac*float64(s[lo+1]-s[lo]))
}

// WriteTable writes rows as a Markdown table, each median also as a ratio of
// the median of each row named in bases.
func WriteTable(w io.Writer, rows []Summary, bases ...string) error {
	refs := make([]time.Duration, len(bases))
	for i, base := range bases {
		for _, r := range rows {
			if r.Name == base {
				refs[i] = r.Median
			}
		}
		if refs[i] <= 0 {
			return fmt.Errorf("no measurement of %q to compare with", base)
		}
	}
	var b strings.Builder
	b.WriteString("| binary | median init | p25–p75 |")
	for _, base := range bases {
		fmt.Fprintf(&b, " × %s |", base)
	}
	b.WriteString(" CPU | max RSS | size linux/arm64 | |\n|---|--:|--:|")
	b.WriteString(strings.Repeat("--:|", len(bases)))
	b.WriteString("--:|--:|--:|--:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s ms | %s–%s ms |", r.Name, ms(r.Median), ms(r.P25), ms(r.P75))
		for _, ref := range refs {
			fmt.Fprintf(&b, " %.2f× |", float64(r.Median)/float64(ref))
		}
		fmt.Fprintf(&b, " %s ms | %.1f MB | %s bytes | %.1f MB |\n",
			ms(r.CPU), float64(r.MaxRSS)/1e6, groupDigits(r.Size), float64(r.Size)/1e6)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ms formats d in milliseconds with one decimal.
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64)
}

// groupDigits writes n with a space between groups of three digits, as
// docs/performance.md does.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && c != '-' && s[i-1] != '-' {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}
