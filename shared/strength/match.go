package strength

import (
	"slices"
	"strings"
	"unicode"
)

// pattern is what a match is an instance of.
type pattern uint8

const (
	dictionary pattern = iota + 1
	spatial
	repeat
	sequence
	recentYear
	date
)

// match is a run of the password, pw[i..j] (runes, inclusive), that fits a
// pattern, with what its estimate needs.
type match struct {
	pattern pattern
	i, j    int

	rank     int   // dictionary: the word's rank (1 is the most common)
	reversed bool  // dictionary: the word is written backwards
	subs     []sub // dictionary: l33t substitutions in the token

	graph   *graph // spatial
	turns   int    // spatial: changes of direction, the first included
	shifted int    // spatial: characters typed with shift

	baseGuesses float64 // repeat: guesses of the repeated part
	repeats     int     // repeat: how many times it is there

	ascending bool // sequence

	year      int  // recentYear, date
	separator bool // date: written with separators (1.1.91)
}

// sub is one l33t substitution: from is written for to ('4' for 'a').
type sub struct{ from, to rune }

// matches returns every match in pw, ordered by last then first rune, then
// in the order zxcvbn's matchers find them. user holds the user's inputs,
// lower-cased.
func (t *tables) matches(pw []rune, user []string, year int) []*match {
	var ms []*match
	ms = t.dictionaryMatches(ms, pw, user)
	ms = t.reversedMatches(ms, pw, user)
	ms = t.l33tMatches(ms, pw, user)
	ms = t.spatialMatches(ms, pw)
	ms = t.repeatMatches(ms, pw, year)
	ms = sequenceMatches(ms, pw)
	ms = yearMatches(ms, pw)
	ms = dateMatches(ms, pw, year)
	slices.SortStableFunc(ms, func(a, b *match) int {
		if a.j != b.j {
			return a.j - b.j
		}
		return a.i - b.i
	})
	return ms
}

// lower lower-cases rune by rune, so rune offsets stay aligned.
func lower(rs []rune) string {
	var b strings.Builder
	b.Grow(len(rs))
	for _, r := range rs {
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// words calls found for every run s[i..j] that is a word of the lists or one
// of the user's inputs, with its best rank (the rank of an input is its
// position, the last one counting when it is given twice). If marked is not
// nil, only runs of two or more runes holding a marked rune count (marked[k]
// is the number of marked runes before k).
func (t *tables) words(s []rune, user []string, marked []int, found func(i, j, rank int)) {
	low := lower(s)
	at := make([]int, 0, len(s)+1) // at[k]: byte offset of rune k in low
	for k := range low {
		at = append(at, k)
	}
	at = append(at, len(low))
	longest := t.ranked.longest
	for _, u := range user {
		longest = max(longest, len([]rune(u)))
	}
	for i := range s {
		for j := i; j < len(s) && j-i < longest; j++ {
			if marked != nil && (j == i || marked[j+1] == marked[i]) {
				continue
			}
			w := low[at[i]:at[j+1]]
			rank := t.ranked.rank(w)
			for k := len(user) - 1; k >= 0; k-- {
				if user[k] == w {
					if rank == 0 || k+1 < rank {
						rank = k + 1
					}
					break
				}
			}
			if rank > 0 {
				found(i, j, rank)
			}
		}
	}
}

func (t *tables) dictionaryMatches(ms []*match, pw []rune, user []string) []*match {
	t.words(pw, user, nil, func(i, j, rank int) {
		ms = append(ms, &match{pattern: dictionary, i: i, j: j, rank: rank})
	})
	return ms
}

// reversedMatches finds words written backwards ("drowssap").
func (t *tables) reversedMatches(ms []*match, pw []rune, user []string) []*match {
	rev := slices.Clone(pw)
	slices.Reverse(rev)
	n := len(pw)
	t.words(rev, user, nil, func(i, j, rank int) {
		ms = append(ms, &match{pattern: dictionary, i: n - 1 - j, j: n - 1 - i, rank: rank, reversed: true})
	})
	return ms
}

// l33t is zxcvbn's table of substitutions: each letter and what may stand
// for it, letters in alphabetical order.
func l33t() []struct {
	letter rune
	chars  string
} {
	return []struct {
		letter rune
		chars  string
	}{
		{'a', "4@"}, {'b', "8"}, {'c', "({[<"}, {'e', "3"}, {'g', "69"}, {'i', "1!|"},
		{'l', "1|7"}, {'o', "0"}, {'s', "$5"}, {'t', "+7"}, {'x', "%"}, {'z', "2"},
	}
}

// l33tMatches finds words written with substitutions ("p4$$w0rd"). Like
// zxcvbn, it tries each way of reading the substitutions present, one
// character per letter; a character that may stand for two letters ('1':
// i or l) is read both ways.
func (t *tables) l33tMatches(ms []*match, pw []rune, user []string) []*match {
	for _, subs := range l33tReadings(pw) {
		from := map[rune]rune{}
		for _, s := range subs {
			from[s.from] = s.to
		}
		plain := slices.Clone(pw)
		marked := make([]int, len(pw)+1)
		for k, r := range pw {
			marked[k+1] = marked[k]
			if to, ok := from[r]; ok {
				plain[k] = to
				marked[k+1]++
			}
		}
		t.words(plain, user, marked, func(i, j, rank int) {
			var used []sub
			for _, s := range subs {
				if slices.Contains(pw[i:j+1], s.from) {
					used = append(used, s)
				}
			}
			ms = append(ms, &match{pattern: dictionary, i: i, j: j, rank: rank, subs: used})
		})
	}
	return ms
}

// l33tReadings lists the sets of substitutions to try on pw (zxcvbn's
// enumerate_l33t_subs over the relevant part of the table).
func l33tReadings(pw []rune) [][]sub {
	readings := [][]sub{{}}
	for _, e := range l33t() {
		var next [][]sub
		for _, c := range e.chars {
			if !slices.Contains(pw, c) {
				continue
			}
			for _, r := range readings {
				k := slices.IndexFunc(r, func(s sub) bool { return s.from == c })
				if k < 0 {
					next = append(next, append(slices.Clip(r), sub{c, e.letter}))
					continue
				}
				alt := append(slices.Delete(slices.Clone(r), k, k+1), sub{c, e.letter})
				next = append(next, r, alt)
			}
		}
		if next != nil {
			readings = dedupReadings(next)
		}
	}
	if len(readings) == 1 && len(readings[0]) == 0 {
		return nil
	}
	return readings
}

func dedupReadings(readings [][]sub) [][]sub {
	seen := map[string]bool{}
	var out [][]sub
	for _, r := range readings {
		sorted := slices.SortedFunc(slices.Values(r), func(a, b sub) int { return int(a.from) - int(b.from) })
		var key strings.Builder
		for _, s := range sorted {
			key.WriteRune(s.from)
			key.WriteRune(s.to)
		}
		if !seen[key.String()] {
			seen[key.String()] = true
			out = append(out, r)
		}
	}
	return out
}

// spatialMatches finds keyboard walks of three or more keys ("qwerty",
// "zaq1", "7896").
func (t *tables) spatialMatches(ms []*match, pw []rune) []*match {
	for _, g := range t.graphs {
		for i := 0; i < len(pw)-1; {
			j := i + 1
			direction, turns, shifted := -1, 0, 0
			if g.shifted[pw[i]] {
				shifted = 1
			}
			for ; j < len(pw); j++ {
				d, idx := -1, -1
				for k, key := range g.adj[pw[j-1]] {
					if idx = strings.IndexRune(key, pw[j]); idx >= 0 {
						d = k
						break
					}
				}
				if d < 0 {
					break
				}
				if idx > 0 {
					shifted++
				}
				if d != direction {
					turns++
					direction = d
				}
			}
			if j-i > 2 {
				ms = append(ms, &match{pattern: spatial, i: i, j: j - 1, graph: g, turns: turns, shifted: shifted})
			}
			i = j
		}
	}
	return ms
}

// repeatMatches finds repeated runs ("aaa", "abcabc"), as zxcvbn's greedy
// and lazy (.+)\1+ regular expressions do, and estimates the repeated part
// on its own.
func (t *tables) repeatMatches(ms []*match, pw []rune, year int) []*match {
	n := len(pw)
	repeats := func(p, l int) bool { return slices.Equal(pw[p:p+l], pw[p+l:p+2*l]) }
	span := func(p, l int) int { // length of the run of copies of pw[p:p+l]
		end := p + 2*l
		for end+l <= n && slices.Equal(pw[p:p+l], pw[end:end+l]) {
			end += l
		}
		return end - p
	}
	for last := 0; last < n; {
		p, shortest := -1, 0
		for q := last; q < n && p < 0; q++ {
			for l := 1; q+2*l <= n; l++ {
				if repeats(q, l) {
					p, shortest = q, l
					break
				}
			}
		}
		if p < 0 {
			break
		}
		longest := shortest
		for l := (n - p) / 2; l > shortest; l-- {
			if repeats(p, l) {
				longest = l
				break
			}
		}
		base, length := shortest, span(p, shortest)
		if greedy := span(p, longest); greedy > length {
			length = greedy
			for l := 1; l <= length/2; l++ { // the shortest period of the greedy run
				if length%l == 0 && repeats(p, l) && span(p, l) >= length {
					base = l
					break
				}
			}
		}
		baseGuesses := t.guesses(pw[p:p+base], nil, year)
		ms = append(ms, &match{pattern: repeat, i: p, j: p + length - 1, baseGuesses: baseGuesses, repeats: length / base})
		last = p + length
	}
	return ms
}

// sequenceMatches finds runs with a constant step of at most 5 between
// characters ("abcdef", "97531"): zxcvbn's rule, including two-character
// runs with a step of 1.
func sequenceMatches(ms []*match, pw []rune) []*match {
	if len(pw) < 2 {
		return ms
	}
	add := func(i, j, delta int) {
		if (j-i > 1 || delta == 1 || delta == -1) && delta != 0 && delta >= -5 && delta <= 5 {
			ms = append(ms, &match{pattern: sequence, i: i, j: j, ascending: delta > 0})
		}
	}
	i, last := 0, int(pw[1])-int(pw[0])
	for k := 2; k < len(pw); k++ {
		delta := int(pw[k]) - int(pw[k-1])
		if delta == last {
			continue
		}
		add(i, k-1, last)
		i, last = k-1, delta
	}
	add(i, len(pw)-1, last)
	return ms
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// number reads ASCII digits.
func number(rs []rune) int {
	n := 0
	for _, r := range rs {
		n = n*10 + int(r-'0')
	}
	return n
}

// yearMatches finds years 1900–2019, zxcvbn's recent_year expression
// (19\d\d|200\d|201\d), left to right without overlaps.
func yearMatches(ms []*match, pw []rune) []*match {
	for i := 0; i+4 <= len(pw); {
		w := pw[i : i+4]
		if isDigit(w[2]) && isDigit(w[3]) && (w[0] == '1' && w[1] == '9' || w[0] == '2' && w[1] == '0' && (w[2] == '0' || w[2] == '1')) {
			ms = append(ms, &match{pattern: recentYear, i: i, j: i + 3, year: number(w)})
			i += 4
			continue
		}
		i++
	}
	return ms
}

// dateMatches finds dates: 4 to 8 digits ("1191", "19910101") or 1–4, 1–2
// and 1–4 digits with the same separator twice ("1.1.91", "1991-11-01"),
// with a day, a month and a year in some order; matches inside a longer one
// are dropped.
func dateMatches(ms []*match, pw []rune, refYear int) []*match {
	var found []*match
	n := len(pw)
	for i := 0; i+4 <= n; i++ {
		for j := i + 3; j <= i+7 && j < n; j++ {
			tok := pw[i : j+1]
			if !slices.ContainsFunc(tok, func(r rune) bool { return !isDigit(r) }) {
				if y, ok := undelimitedDate(tok, refYear); ok {
					found = append(found, &match{pattern: date, i: i, j: j, year: y})
				}
			}
		}
	}
	for i := 0; i+6 <= n; i++ {
		for j := i + 5; j <= i+9 && j < n; j++ {
			if y, ok := delimitedDate(pw[i : j+1]); ok {
				found = append(found, &match{pattern: date, i: i, j: j, year: y, separator: true})
			}
		}
	}
	for _, m := range found {
		if !slices.ContainsFunc(found, func(o *match) bool { return o != m && o.i <= m.i && o.j >= m.j }) {
			ms = append(ms, m)
		}
	}
	return ms
}

// undelimitedDate reads 4 to 8 digits as a date, trying zxcvbn's splits for
// the length and keeping the reading whose year is nearest refYear.
func undelimitedDate(tok []rune, refYear int) (year int, ok bool) {
	splits := map[int][][2]int{
		4: {{1, 2}, {2, 3}},                 // 1 1 91, 91 1 1
		5: {{1, 3}, {2, 3}},                 // 1 11 91, 11 1 91
		6: {{1, 2}, {2, 4}, {4, 5}},         // 1 1 1991, 11 11 91, 1991 1 1
		7: {{1, 3}, {2, 3}, {4, 5}, {4, 6}}, // 1 11 1991, 11 1 1991, 1991 1 11, 1991 11 1
		8: {{2, 4}, {4, 6}},                 // 11 11 1991, 1991 11 11
	}[len(tok)]
	best := -1
	for _, s := range splits {
		y, ok := dateYear(number(tok[:s[0]]), number(tok[s[0]:s[1]]), number(tok[s[1]:]))
		if ok && (best < 0 || abs(y-refYear) < abs(best-refYear)) {
			best = y
		}
	}
	return best, best >= 0
}

// delimitedDate reads 1–4 digits, a separator (space, / \ _ . -), 1–2
// digits, the same separator and 1–4 digits as a date.
func delimitedDate(tok []rune) (year int, ok bool) {
	digits := func(rs []rune, lo, hi int) (int, []rune, bool) {
		k := 0
		for k < len(rs) && isDigit(rs[k]) {
			k++
		}
		return number(rs[:k]), rs[k:], k >= lo && k <= hi
	}
	isSep := func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(`/\_.-`, r) }
	a, rest, ok := digits(tok, 1, 4)
	if !ok || len(rest) == 0 || !isSep(rest[0]) {
		return 0, false
	}
	sep := rest[0]
	b, rest, ok := digits(rest[1:], 1, 2)
	if !ok || len(rest) == 0 || rest[0] != sep {
		return 0, false
	}
	c, rest, ok := digits(rest[1:], 1, 4)
	if !ok || len(rest) != 0 {
		return 0, false
	}
	return dateYear(a, b, c)
}

// dateYear maps three numbers to a day, a month and a year (zxcvbn's
// map_ints_to_dmy) and returns the year, two-digit years read as 1951–2050.
func dateYear(a, b, c int) (int, bool) {
	const minYear, maxYear = 1000, 2050
	if b > 31 || b <= 0 {
		return 0, false
	}
	over12, over31, under1 := 0, 0, 0
	for _, v := range []int{a, b, c} {
		if v > 99 && v < minYear || v > maxYear {
			return 0, false
		}
		if v > 31 {
			over31++
		}
		if v > 12 {
			over12++
		}
		if v <= 0 {
			under1++
		}
	}
	if over31 >= 2 || over12 == 3 || under1 >= 2 {
		return 0, false
	}
	dayMonth := func(x, y int) bool { return x <= 31 && y <= 12 || y <= 31 && x <= 12 }
	for _, s := range [][3]int{{c, a, b}, {a, b, c}} { // year last, year first
		if s[0] >= minYear && s[0] <= maxYear {
			return s[0], dayMonth(s[1], s[2])
		}
	}
	for _, s := range [][3]int{{c, a, b}, {a, b, c}} {
		if dayMonth(s[1], s[2]) {
			switch y := s[0]; {
			case y > 99:
				return y, true
			case y > 50:
				return y + 1900, true
			default:
				return y + 2000, true
			}
		}
	}
	return 0, false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
