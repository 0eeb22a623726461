package strength

import (
	"math"
	"unicode"
)

// zxcvbn's scoring constants.
const (
	// bruteforceCardinality is the guesses per character of a run no
	// pattern explains.
	bruteforceCardinality = 10
	// minGuessesBeforeGrowing is the guesses an attacker spends on the
	// sequences of each length before trying a longer one.
	minGuessesBeforeGrowing = 1e4
	// A match that is not the whole password counts at least this much, so
	// that a pattern does not win over a few brute-forced characters.
	minSubmatchGuessesSingle = 10
	minSubmatchGuessesMulti  = 50
	// minYearSpace is the least number of years an attacker tries.
	minYearSpace = 20
)

// guesses estimates pw (at most maxRunes runes) for a user whose inputs,
// lower-cased, are user, in the given year.
func (t *tables) guesses(pw []rune, user []string, year int) float64 {
	if len(pw) == 0 {
		return 1
	}
	return cheapest(pw, t.matches(pw, user, year), year)
}

// step is the best sequence of a given length found for a prefix.
type step struct {
	set        bool
	bruteforce bool    // it ends with a brute-forced run
	pi         float64 // the product of its matches' guesses
	g          float64 // its guesses: l!·pi + minGuessesBeforeGrowing^(l-1)
}

// cheapest returns the guesses of the sequence of non-overlapping matches
// and brute-forced runs covering pw that costs least, zxcvbn's
// most_guessable_match_sequence. ms must be ordered by last rune then first.
//
// best[k][l] holds the best sequence of l parts covering pw[0..k]; a longer
// sequence is kept only if it beats every shorter one, and the search
// extends each kept sequence by the matches and runs starting after it.
func cheapest(pw []rune, ms []*match, year int) float64 {
	n := len(pw)
	best := make([][]step, n)
	update := func(i, j int, guesses float64, bruteforce bool, l int) {
		pi := guesses
		if l > 1 {
			pi *= best[i-1][l-1].pi
		}
		g := factorial(l)*pi + math.Pow(minGuessesBeforeGrowing, float64(l-1))
		for cl, c := range best[j] {
			if c.set && cl <= l && c.g <= g {
				return
			}
		}
		for len(best[j]) <= l {
			best[j] = append(best[j], step{})
		}
		best[j][l] = step{set: true, bruteforce: bruteforce, pi: pi, g: g}
	}
	next := 0
	for k := range n {
		for ; next < len(ms) && ms[next].j == k; next++ {
			m := ms[next]
			g := estimate(m, pw, year)
			if m.i == 0 {
				update(0, k, g, false, 1)
				continue
			}
			for l, c := range best[m.i-1] {
				if c.set {
					update(m.i, k, g, false, l+1)
				}
			}
		}
		update(0, k, bruteforceGuesses(k+1), true, 1)
		for i := 1; i <= k; i++ {
			g := bruteforceGuesses(k - i + 1)
			for l, c := range best[i-1] {
				// Two brute-forced runs in a row cost more than one.
				if c.set && !c.bruteforce {
					update(i, k, g, true, l+1)
				}
			}
		}
	}
	least := math.Inf(1)
	for _, c := range best[n-1] {
		if c.set {
			least = min(least, c.g)
		}
	}
	return least
}

// bruteforceGuesses is the cost of a run of n characters no pattern
// explains, a little more than any match of the same length's floor.
func bruteforceGuesses(n int) float64 {
	if n == 1 {
		return minSubmatchGuessesSingle + 1
	}
	return max(math.Pow(bruteforceCardinality, float64(n)), minSubmatchGuessesMulti+1)
}

// estimate returns the guesses a match costs within pw.
func estimate(m *match, pw []rune, year int) float64 {
	tok := pw[m.i : m.j+1]
	var g float64
	switch m.pattern {
	case dictionary:
		g = float64(m.rank) * uppercaseVariations(tok) * l33tVariations(tok, m.subs)
		if m.reversed {
			g *= 2
		}
	case spatial:
		g = spatialGuesses(m, len(tok))
	case repeat:
		g = m.baseGuesses * float64(m.repeats)
	case sequence:
		g = sequenceGuesses(tok, m.ascending)
	case recentYear:
		g = float64(max(abs(m.year-year), minYearSpace))
	case date:
		g = float64(max(abs(m.year-year), minYearSpace) * 365)
		if m.separator {
			g *= 4 // one of about four separators
		}
	}
	floor := 1.0
	switch {
	case len(tok) == len(pw):
	case len(tok) == 1:
		floor = minSubmatchGuessesSingle
	default:
		floor = minSubmatchGuessesMulti
	}
	return max(g, floor)
}

// uppercaseVariations is how many ways of capitalising the word an
// attacker tries before this one: 1 for lower case; 2 for a capital first
// or last letter or all capitals; otherwise every way with up to as many
// capitals (or, if capitals are the majority, lower-case letters).
func uppercaseVariations(tok []rune) float64 {
	upper, lower := 0, 0
	for _, r := range tok {
		switch {
		case r >= 'A' && r <= 'Z':
			upper++
		case r >= 'a' && r <= 'z':
			lower++
		}
	}
	isUpper := func(r rune) bool { return r >= 'A' && r <= 'Z' }
	switch {
	case upper == 0:
		return 1
	case lower == 0,
		upper == 1 && len(tok) > 1 && (isUpper(tok[0]) || isUpper(tok[len(tok)-1])):
		return 2
	}
	v := 0.0
	for i := 1; i <= min(upper, lower); i++ {
		v += choose(upper+lower, i)
	}
	return v
}

// l33tVariations is the same count for substitutions: for each, the ways
// of substituting up to as many of the letters (2 when all or none are).
func l33tVariations(tok []rune, subs []sub) float64 {
	v := 1.0
	for _, s := range subs {
		subbed, plain := 0, 0
		for _, r := range tok {
			switch unicode.ToLower(r) {
			case s.from:
				subbed++
			case s.to:
				plain++
			}
		}
		if subbed == 0 || plain == 0 {
			v *= 2
			continue
		}
		p := 0.0
		for i := 1; i <= min(subbed, plain); i++ {
			p += choose(subbed+plain, i)
		}
		v *= p
	}
	return v
}

// spatialGuesses counts the walks on the keyboard of up to this length with
// up to this many turns, times the ways of shifting as many keys.
func spatialGuesses(m *match, length int) float64 {
	s, d := m.graph.keys, m.graph.degree
	g := 0.0
	for i := 2; i <= length; i++ {
		for j := 1; j <= min(m.turns, i-1); j++ {
			g += choose(i-1, j-1) * s * math.Pow(d, float64(j))
		}
	}
	if shifted := m.shifted; shifted > 0 {
		unshifted := length - shifted
		if unshifted == 0 {
			return g * 2
		}
		v := 0.0
		for i := 1; i <= min(shifted, unshifted); i++ {
			v += choose(shifted+unshifted, i)
		}
		g *= v
	}
	return g
}

// sequenceGuesses: a few obvious starting points, else one of 10 digits or
// 26 letters; twice that going down; times the length.
func sequenceGuesses(tok []rune, ascending bool) float64 {
	base := 26.0
	switch first := tok[0]; {
	case first == 'a' || first == 'A' || first == 'z' || first == 'Z' || first == '0' || first == '1' || first == '9':
		base = 4
	case isDigit(first):
		base = 10
	}
	if !ascending {
		base *= 2
	}
	return base * float64(len(tok))
}

// choose is the binomial coefficient n over k.
func choose(n, k int) float64 {
	if k > n {
		return 0
	}
	r := 1.0
	for d := 1; d <= k; d++ {
		r = r * float64(n) / float64(d)
		n--
	}
	return r
}

func factorial(n int) float64 {
	f := 1.0
	for i := 2; i <= n; i++ {
		f *= float64(i)
	}
	return f
}
