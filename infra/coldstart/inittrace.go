package coldstart

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// InitCost is one package's init as GODEBUG=inittrace=1 reports it.
type InitCost struct {
	Pkg    string
	Clock  time.Duration
	Bytes  int64
	Allocs int64
}

// ParseInitTrace reads the "init <pkg> @… ms, … ms clock, … bytes, … allocs"
// lines of out and ignores every other line.
func ParseInitTrace(out string) []InitCost {
	var costs []InitCost
	for line := range strings.Lines(out) {
		var c InitCost
		var at, clock float64
		_, err := fmt.Sscanf(strings.TrimSpace(line), "init %s @%f ms, %f ms clock, %d bytes, %d allocs",
			&c.Pkg, &at, &clock, &c.Bytes, &c.Allocs)
		if err != nil {
			continue
		}
		c.Clock = time.Duration(clock * float64(time.Millisecond))
		costs = append(costs, c)
	}
	return costs
}

// InitTrace starts path runs times with GODEBUG=inittrace=1 and returns each
// package's median init cost, the most expensive first.
func InitTrace(ctx context.Context, path string, env []string, dir string, timeout time.Duration, runs int) ([]InitCost, error) {
	env = append(slices.Clip(env), "GODEBUG=inittrace=1")
	clocks := map[string][]time.Duration{}
	last := map[string]InitCost{}
	for range runs {
		s, err := Start(ctx, path, env, dir, timeout)
		if err != nil {
			return nil, err
		}
		for _, c := range ParseInitTrace(s.Output) {
			clocks[c.Pkg] = append(clocks[c.Pkg], c.Clock)
			last[c.Pkg] = c
		}
	}
	costs := make([]InitCost, 0, len(clocks))
	for pkg, cs := range clocks {
		c := last[pkg]
		c.Clock = Quantile(cs, 0.5)
		costs = append(costs, c)
	}
	slices.SortFunc(costs, func(a, b InitCost) int {
		return cmp.Or(cmp.Compare(b.Clock, a.Clock), cmp.Compare(a.Pkg, b.Pkg))
	})
	return costs, nil
}
