package strength

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"io"
	"strings"
)

// lists holds zxcvbn's frequency lists, gzip'd, one word a line in rank
// order, as internal/gendata writes them (data/LICENSE.txt is their licence).
//
//go:embed data/*.txt.gz
var lists embed.FS

// listNames are the frequency lists in data/.
func listNames() []string {
	return []string{"passwords", "english_wikipedia", "surnames", "us_tv_and_film", "male_names", "female_names"}
}

// tables is what an estimate reads: the ranked words and the keyboards.
type tables struct {
	ranked *wordIndex
	graphs []*graph
}

func load() (*tables, error) {
	words, err := loadWords()
	if err != nil {
		return nil, err
	}
	return &tables{ranked: words, graphs: keyboards()}, nil
}

// wordIndex finds the words of the lists with an open-addressing hash
// table of word numbers: a few times cheaper to build on first use than a
// map of 100 000 strings, and a third of its memory.
type wordIndex struct {
	text  string   // the lists one after the other, one word a line
	start []uint32 // word w is text[start[w]:start[w+1]-1]
	first []int    // first[l] is the number of list l's first word; rank = w - first[l] + 1
	slots []uint32 // see wordBits; the length is a power of two
	seed  maphash.Seed
	// longest is the length of the longest word. zxcvbn keeps each word in
	// one list only, and the lists hold lower-case ASCII (TestLists checks
	// both), so a word's length in bytes is its length in runes.
	longest int
}

func loadWords() (*wordIndex, error) {
	packed := make([][]byte, len(listNames()))
	size := 0
	for i, name := range listNames() {
		b, err := lists.ReadFile("data/" + name + ".txt.gz")
		if err != nil {
			return nil, fmt.Errorf("read word list %s: %w", name, err)
		}
		packed[i] = b
		if len(b) >= 4 {
			size += int(binary.LittleEndian.Uint32(b[len(b)-4:])) // gzip's trailer: the text's length
		}
	}
	var text strings.Builder
	text.Grow(min(size, 16<<20))
	ends := make([]int, len(packed)) // ends[l]: where list l ends in text
	var zr gzip.Reader
	buf := make([]byte, 32<<10)
	for i, b := range packed {
		err := zr.Reset(bytes.NewReader(b))
		if err == nil {
			_, err = io.CopyBuffer(&text, &zr, buf)
		}
		if err != nil {
			return nil, fmt.Errorf("read word list %s: %w", listNames()[i], err)
		}
		ends[i] = text.Len()
	}
	x := &wordIndex{text: text.String(), seed: maphash.MakeSeed()}
	x.start = make([]uint32, 0, strings.Count(x.text, "\n")+1)
	at := 0
	for _, end := range ends {
		x.first = append(x.first, len(x.start))
		for at < end {
			n := strings.IndexByte(x.text[at:end], '\n')
			if n < 0 {
				return nil, fmt.Errorf("word list: no line break after %q", x.text[at:end])
			}
			x.start = append(x.start, uint32(at))
			x.longest = max(x.longest, n)
			at += n + 1
		}
	}
	words := len(x.start)
	if words >= wordMask {
		return nil, fmt.Errorf("word lists: %d words; the index holds %d", words, wordMask-1)
	}
	x.start = append(x.start, uint32(at))
	size = 1
	for size < 2*words {
		size *= 2
	}
	x.slots = make([]uint32, size)
	for w := range words {
		x.insert(w)
	}
	return x, nil
}

func (x *wordIndex) word(w int) string { return x.text[x.start[w] : x.start[w+1]-1] }

// rankOf returns the rank of word w in its list.
func (x *wordIndex) rankOf(w int) int {
	l := len(x.first) - 1
	for x.first[l] > w {
		l--
	}
	return w - x.first[l] + 1
}

// A slot holds a word's number plus one in its low wordBits bits (0: the
// slot is empty) and the top bits of the word's hash above them, so that
// probing rarely has to read a word.
const (
	wordBits = 17
	wordMask = 1<<wordBits - 1
)

func (x *wordIndex) hash(s string) (slot int, tag uint32) {
	h := maphash.String(x.seed, s)
	return int(h) & (len(x.slots) - 1), uint32(h>>(64-(32-wordBits))) << wordBits
}

// insert adds word w, keeping the better rank if the word is there already.
func (x *wordIndex) insert(w int) {
	s := x.word(w)
	i, tag := x.hash(s)
	for mask := len(x.slots) - 1; ; i = (i + 1) & mask {
		o := x.slots[i]
		if o == 0 {
			x.slots[i] = tag | uint32(w+1)
			return
		}
		if o&^wordMask == tag && x.word(int(o&wordMask)-1) == s {
			if x.rankOf(w) < x.rankOf(int(o&wordMask)-1) {
				x.slots[i] = tag | uint32(w+1)
			}
			return
		}
	}
}

// rank returns the rank of s, or 0 if no list holds it.
func (x *wordIndex) rank(s string) int {
	i, tag := x.hash(s)
	for mask := len(x.slots) - 1; ; i = (i + 1) & mask {
		o := x.slots[i]
		if o == 0 {
			return 0
		}
		if o&^wordMask == tag && x.word(int(o&wordMask)-1) == s {
			return x.rankOf(int(o&wordMask) - 1)
		}
	}
}

// graph is a keyboard: for each character, the keys next to its key.
type graph struct {
	name string
	// adj lists, by direction (clockwise from the left), the characters of
	// the neighbouring key, unshifted first ("" where there is no key). The
	// direction's index is what a turn changes.
	adj map[rune][]string
	// shifted holds the characters typed with shift.
	shifted map[rune]bool
	// keys and degree are the number of characters and their average number
	// of neighbours, which scoring uses: zxcvbn counts every qwerty-like
	// walk with qwerty's and every keypad walk with the keypad's.
	keys, degree float64
}

// The layouts are zxcvbn's (data-scripts/build_keyboard_adjacency_graphs.py):
// each row of a typewriter keyboard is one column further right than the
// one above, and a keypad's rows are aligned.
const (
	qwerty = "\n" +
		"`~ 1! 2@ 3# 4$ 5% 6^ 7& 8* 9( 0) -_ =+\n" +
		"    qQ wW eE rR tT yY uU iI oO pP [{ ]} \\|\n" +
		"     aA sS dD fF gG hH jJ kK lL ;: '\"\n" +
		"      zZ xX cC vV bB nN mM ,< .> /?\n"
	dvorak = "\n" +
		"`~ 1! 2@ 3# 4$ 5% 6^ 7& 8* 9( 0) [{ ]}\n" +
		"    '\" ,< .> pP yY fF gG cC rR lL /? =+ \\|\n" +
		"     aA oO eE uU iI dD hH tT nN sS -_\n" +
		"      ;: qQ jJ kK xX bB mM wW vV zZ\n"
	keypad = "\n" +
		"  / * -\n" +
		"7 8 9 +\n" +
		"4 5 6\n" +
		"1 2 3\n" +
		"  0 .\n"
	macKeypad = "\n" +
		"  = / *\n" +
		"7 8 9 -\n" +
		"4 5 6 +\n" +
		"1 2 3\n" +
		"  0 .\n"
)

// keyboards returns the qwerty, dvorak, keypad and Mac keypad graphs.
func keyboards() []*graph {
	q := buildGraph("qwerty", qwerty, true)
	d := buildGraph("dvorak", dvorak, true)
	k := buildGraph("keypad", keypad, false)
	m := buildGraph("mac_keypad", macKeypad, false)
	d.keys, d.degree = q.keys, q.degree
	m.keys, m.degree = k.keys, k.degree
	return []*graph{q, d, k, m}
}

// buildGraph reads a layout: keys are runs of characters separated by
// spaces, all as long as the first; a key's column is its offset divided by
// that length plus one, after removing the slant of a slanted keyboard.
func buildGraph(name, layout string, slanted bool) *graph {
	type pos struct{ x, y int }
	keyAt := map[pos]string{}
	width := 0
	for y, line := range strings.Split(layout, "\n") {
		slant := 0
		if slanted {
			slant = y - 1
		}
		for x := 0; x < len(line); {
			if line[x] == ' ' {
				x++
				continue
			}
			end := strings.IndexByte(line[x:], ' ')
			if end < 0 {
				end = len(line) - x
			}
			if width == 0 {
				width = end + 1
			}
			keyAt[pos{(x - slant) / width, y}] = line[x : x+end]
			x += end
		}
	}
	around := func(p pos) []pos {
		x, y := p.x, p.y
		if slanted {
			return []pos{{x - 1, y}, {x, y - 1}, {x + 1, y - 1}, {x + 1, y}, {x, y + 1}, {x - 1, y + 1}}
		}
		return []pos{{x - 1, y}, {x - 1, y - 1}, {x, y - 1}, {x + 1, y - 1}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x - 1, y + 1}}
	}
	g := &graph{name: name, adj: map[rune][]string{}, shifted: map[rune]bool{}}
	edges := 0
	for p, key := range keyAt {
		for i, c := range key {
			if slanted && i > 0 {
				g.shifted[c] = true
			}
			var adj []string
			for _, q := range around(p) {
				adj = append(adj, keyAt[q])
				if keyAt[q] != "" {
					edges++
				}
			}
			g.adj[c] = adj
		}
	}
	g.keys = float64(len(g.adj))
	g.degree = float64(edges) / g.keys
	return g
}
