package strength

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"

	"github.com/trustelem/zxcvbn/adjacency"
	"github.com/trustelem/zxcvbn/frequency"
)

// sample is one password of the comparison corpus, with the user inputs it
// is checked with.
type sample struct {
	kind string
	pw   string
	user []string
}

// corpus builds the passwords on which the estimator must take zxcvbn's
// decision: common passwords and their usual disguises, names with years,
// keyboard walks, dates, passphrases and random strings, from a fixed seed.
func corpus() []sample {
	c := &corpusBuilder{rnd: rand.New(rand.NewPCG(12, 6)), lists: frequency.FrequencyLists}
	c.common()
	c.namesAndYears()
	c.walksAndDates()
	c.passphrases()
	c.randomStrings()
	c.fixtures()
	return c.out
}

type corpusBuilder struct {
	rnd   *rand.Rand
	lists map[string][]string
	out   []sample
}

func (c *corpusBuilder) add(kind, pw string, user ...string) {
	c.out = append(c.out, sample{kind, pw, user})
}

func (c *corpusBuilder) pick(list []string) string { return list[c.rnd.IntN(len(list))] }

// common adds the 5 000 most common passwords and, for each, its l33t,
// capitalised, digit-suffixed, reversed and all-at-once variants.
func (c *corpusBuilder) common() {
	top := c.lists["passwords"][:5000]
	for _, pw := range top {
		c.add("top 5000", pw)
	}
	for _, pw := range top {
		c.add("l33t", l33tify(c.rnd, pw))
		c.add("capitals", capitalise(c.rnd, pw))
		c.add("digits appended", pw+digitsSuffix(c.rnd))
		c.add("reversed", reverse(pw))
		c.add("mixed", capitalise(c.rnd, l33tify(c.rnd, pw))+digitsSuffix(c.rnd))
	}
}

// namesAndYears adds first names and surnames with years, half of them
// with the names as user inputs.
func (c *corpusBuilder) namesAndYears() {
	names := slices.Concat(c.lists["female_names"], c.lists["male_names"])
	for range 2000 {
		first, last := c.pick(names), c.pick(c.lists["surnames"])
		year := fmt.Sprint(1940 + c.rnd.IntN(87))
		switch c.rnd.IntN(4) {
		case 0:
			c.add("name+year", capitalise(c.rnd, first)+year)
		case 1:
			c.add("name+year", first+[]string{"", ".", "_", "-", "@"}[c.rnd.IntN(5)]+year[2:])
		case 2:
			c.add("names+year (inputs)", capitalise(c.rnd, first)+capitalise(c.rnd, last)+year, first, last)
		default:
			c.add("names+year (inputs)", last+first+year+"!", strings.ToLower(first[:1]+last), first, last)
		}
	}
}

func (c *corpusBuilder) walksAndDates() {
	for range 2000 {
		c.add("keyboard walk", walk(c.rnd)+[]string{"", "", "1", "!", "123"}[c.rnd.IntN(5)])
	}
	for range 2000 {
		c.add("date", randomDate(c.rnd))
		c.add("word+date", c.pick(c.lists["passwords"][:2000])+randomDate(c.rnd))
	}
}

// passphrases adds 3 to 5 common words, some capitalised, with or without
// separators, and two words with a number: passwords near the threshold.
func (c *corpusBuilder) passphrases() {
	words := slices.Concat(c.lists["english_wikipedia"][:20000], c.lists["us_tv_and_film"][:5000], c.lists["passwords"][:5000])
	for range 2500 {
		n := 3 + c.rnd.IntN(3)
		sep := []string{"", " ", "-", ".", "_"}[c.rnd.IntN(5)]
		var ws []string
		for range n {
			w := c.pick(words)
			if c.rnd.IntN(3) == 0 {
				w = capitalise(c.rnd, w)
			}
			ws = append(ws, w)
		}
		c.add(fmt.Sprintf("passphrase of %d", n), strings.Join(ws, sep))
	}
	for range 1000 {
		c.add("two words+digits", capitalise(c.rnd, c.pick(words))+c.pick(words)+digitsSuffix(c.rnd))
	}
}

// randomStrings adds strings of 10 to 20 characters drawn from alphabets
// from vowels to all of the keyboard.
func (c *corpusBuilder) randomStrings() {
	alphabets := []string{
		"abcdefghijklmnopqrstuvwxyz",
		"abcdefghijklmnopqrstuvwxyz0123456789",
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_=+[]{};:,.<>/?",
		"0123456789",
		"aeiou",
	}
	for range 2500 {
		alphabet := alphabets[c.rnd.IntN(len(alphabets))]
		b := make([]byte, 10+c.rnd.IntN(11))
		for i := range b {
			b[i] = alphabet[c.rnd.IntN(len(alphabet))]
		}
		c.add("random", string(b))
	}
}

// fixtures adds the passwords the project's tests and seed data use, and
// some Unicode, which zxcvbn reads byte by byte and this package rune by
// rune.
func (c *corpusBuilder) fixtures() {
	for _, pw := range []string{
		"Harbour-Lantern-Tide-2026", "Quiet-Meadow-Lantern-88", "Legacy-Anchor-Ledger-1998",
		"Copper-Harbour-Signal-31", "Quiet-Meadow-Compass-4417", "Quartz-Meadow-Lantern-58",
		"password1234", "qwertyuiop123", "harbour lantern tide quietly", "HarbourLanternTide2026",
		"glacier orchard velvet compass", "Kx9#mP2!vQz", "correct horse battery staple",
		"éàüöñçøåæœßð", "Пароль-Зима-2024", "パスワードパスワード", "mot de passe été 2024",
	} {
		c.add("fixture", pw, "pat", "pat", "partner")
	}
	c.add("fixture", "PatPartner2026!", "trade.desk", "pat", "partner")
	c.add("fixture", "trade.desk-Harbour", "trade.desk", "pat", "partner")
}

func l33tify(rnd *rand.Rand, s string) string {
	subs := map[byte][]string{'a': {"4", "@"}, 'e': {"3"}, 'i': {"1", "!"}, 'l': {"1", "|"}, 'o': {"0"}, 's': {"$", "5"}, 't': {"7", "+"}, 'g': {"9"}, 'b': {"8"}, 'z': {"2"}}
	var b strings.Builder
	changed := false
	for i := range len(s) {
		if alts, ok := subs[s[i]]; ok && (rnd.IntN(2) == 0 || !changed && i == len(s)-1) {
			b.WriteString(alts[rnd.IntN(len(alts))])
			changed = true
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func capitalise(rnd *rand.Rand, s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	switch rnd.IntN(4) {
	case 0, 1:
		r[0] = unicode.ToUpper(r[0])
	case 2:
		return strings.ToUpper(s)
	default:
		for i := range r {
			if rnd.IntN(3) == 0 {
				r[i] = unicode.ToUpper(r[i])
			}
		}
	}
	return string(r)
}

func digitsSuffix(rnd *rand.Rand) string {
	switch rnd.IntN(5) {
	case 0:
		return "1"
	case 1:
		return "123"
	case 2:
		return fmt.Sprintf("%02d", rnd.IntN(100))
	case 3:
		return fmt.Sprint(1950 + rnd.IntN(77))
	default:
		return fmt.Sprintf("%d!", rnd.IntN(1000))
	}
}

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// walk is a random walk on zxcvbn's qwerty or keypad graph that mostly
// keeps its direction and sometimes holds shift.
func walk(rnd *rand.Rand) string {
	g := adjacency.Graphs[[]string{"qwerty", "qwerty", "qwerty", "keypad"}[rnd.IntN(4)]].Graph
	keys := make([]string, 0, len(g))
	for k := range g {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	cur := keys[rnd.IntN(len(keys))]
	out := cur
	dir := -1
	for range 3 + rnd.IntN(10) {
		adj := g[cur]
		if dir < 0 || adj[dir] == "" || rnd.IntN(4) == 0 {
			var dirs []int
			for d, k := range adj {
				if k != "" {
					dirs = append(dirs, d)
				}
			}
			if len(dirs) == 0 {
				break
			}
			dir = dirs[rnd.IntN(len(dirs))]
		}
		key := adj[dir]
		c := key[:1]
		if len(key) > 1 && rnd.IntN(8) == 0 {
			c = key[1:2]
		}
		out += c
		cur = c
	}
	return out
}

func randomDate(rnd *rand.Rand) string {
	d, m, y := 1+rnd.IntN(31), 1+rnd.IntN(12), 1940+rnd.IntN(87)
	switch rnd.IntN(6) {
	case 0:
		return fmt.Sprintf("%02d%02d%d", d, m, y)
	case 1:
		return fmt.Sprintf("%d/%d/%02d", m, d, y%100)
	case 2:
		return fmt.Sprintf("%d-%02d-%02d", y, m, d)
	case 3:
		return fmt.Sprintf("%02d.%02d.%d", d, m, y)
	case 4:
		return fmt.Sprintf("%d%02d%02d", y, m, d)
	default:
		return fmt.Sprintf("%d %d %d", d, m, y)
	}
}
