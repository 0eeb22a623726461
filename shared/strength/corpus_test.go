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
	rnd := rand.New(rand.NewPCG(12, 6))
	lists := frequency.FrequencyLists
	pick := func(list []string) string { return list[rnd.IntN(len(list))] }
	var out []sample
	add := func(kind, pw string, user ...string) { out = append(out, sample{kind, pw, user}) }

	top := lists["passwords"][:5000]
	for _, pw := range top {
		add("top 5000", pw)
	}
	for _, pw := range top {
		add("l33t", l33tify(rnd, pw))
		add("capitals", capitalise(rnd, pw))
		add("digits appended", pw+digitsSuffix(rnd))
		add("reversed", reverse(pw))
		add("mixed", capitalise(rnd, l33tify(rnd, pw))+digitsSuffix(rnd))
	}

	names := slices.Concat(lists["female_names"], lists["male_names"])
	surnames := lists["surnames"]
	for range 2000 {
		first, last := pick(names), pick(surnames)
		year := fmt.Sprint(1940 + rnd.IntN(87))
		switch rnd.IntN(4) {
		case 0:
			add("name+year", capitalise(rnd, first)+year)
		case 1:
			add("name+year", first+[]string{"", ".", "_", "-", "@"}[rnd.IntN(5)]+year[2:])
		case 2:
			add("names+year (inputs)", capitalise(rnd, first)+capitalise(rnd, last)+year, first, last)
		default:
			add("names+year (inputs)", last+first+year+"!", strings.ToLower(first[:1]+last), first, last)
		}
	}

	for range 2000 {
		add("keyboard walk", walk(rnd)+[]string{"", "", "1", "!", "123"}[rnd.IntN(5)])
	}

	for range 2000 {
		add("date", randomDate(rnd))
		add("word+date", pick(lists["passwords"][:2000])+randomDate(rnd))
	}

	words := slices.Concat(lists["english_wikipedia"][:20000], lists["us_tv_and_film"][:5000], lists["passwords"][:5000])
	for range 2500 {
		n := 3 + rnd.IntN(3)
		sep := []string{"", " ", "-", ".", "_"}[rnd.IntN(5)]
		var ws []string
		for range n {
			w := pick(words)
			if rnd.IntN(3) == 0 {
				w = capitalise(rnd, w)
			}
			ws = append(ws, w)
		}
		add(fmt.Sprintf("passphrase of %d", n), strings.Join(ws, sep))
	}
	for range 1000 { // two words and a number: the passwords near the threshold
		add("two words+digits", capitalise(rnd, pick(words))+pick(words)+digitsSuffix(rnd))
	}

	alphabets := []string{
		"abcdefghijklmnopqrstuvwxyz",
		"abcdefghijklmnopqrstuvwxyz0123456789",
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_=+[]{};:,.<>/?",
		"0123456789",
		"aeiou",
	}
	for range 2500 {
		alphabet := alphabets[rnd.IntN(len(alphabets))]
		b := make([]byte, 10+rnd.IntN(11))
		for i := range b {
			b[i] = alphabet[rnd.IntN(len(alphabet))]
		}
		add("random", string(b))
	}

	for _, pw := range []string{
		// The passwords the project's tests and seed data use.
		"Harbour-Lantern-Tide-2026", "Quiet-Meadow-Lantern-88", "Legacy-Anchor-Ledger-1998",
		"Copper-Harbour-Signal-31", "Quiet-Meadow-Compass-4417", "Quartz-Meadow-Lantern-58",
		"password1234", "qwertyuiop123", "harbour lantern tide quietly", "HarbourLanternTide2026",
		"glacier orchard velvet compass", "Kx9#mP2!vQz", "correct horse battery staple",
		// Unicode, which zxcvbn reads byte by byte and this package rune by rune.
		"éàüöñçøåæœßð", "Пароль-Зима-2024", "パスワードパスワード", "mot de passe été 2024",
	} {
		add("fixture", pw, "pat", "pat", "partner")
	}
	add("fixture", "PatPartner2026!", "trade.desk", "pat", "partner")
	add("fixture", "trade.desk-Harbour", "trade.desk", "pat", "partner")
	return out
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
