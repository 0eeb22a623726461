// Command gendata writes the strength package's word lists: zxcvbn's six
// frequency lists, filtered and cut the way zxcvbn's
// data-scripts/build_frequency_lists.py does, each as gzip'd text with one
// word a line in rank order (line n is rank n). It reads the lists from the
// module cache's copy of github.com/trustelem/zxcvbn, so the output depends
// only on that module version; run it with go generate in shared/strength.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// module is where the lists come from; its version is the one go.mod names.
const module = "github.com/trustelem/zxcvbn"

// list is one frequency list and how many of its words zxcvbn keeps (0: all
// of them), as in DICTIONARIES of build_frequency_lists.py.
type list struct {
	name  string
	limit int
}

// lists are in order of precedence: a word with the same rank in two lists
// goes to the earlier one. The script leaves that to Python 2's dict order;
// this order gives the lists zxcvbn ships (five words tie).
func lists() []list {
	return []list{
		{"passwords", 30000},
		{"english_wikipedia", 30000},
		{"surnames", 10000},
		{"us_tv_and_film", 30000},
		{"male_names", 0},
		{"female_names", 0},
	}
}

func main() {
	src := flag.String("src", "", "directory of "+module+" (default: its module-cache copy)")
	out := flag.String("out", "data", "directory to write the lists to")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	if src == "" {
		dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
		if err != nil {
			return fmt.Errorf("find %s: %w", module, err)
		}
		src = strings.TrimSpace(string(dir))
		if src == "" {
			return fmt.Errorf("%s is not in the module cache; run go mod download %s", module, module)
		}
	}
	ranked := make([]map[string]int, len(lists()))
	for i, l := range lists() {
		r, err := readCounts(filepath.Join(src, "data", l.name+".txt"))
		if err != nil {
			return err
		}
		ranked[i] = r
	}
	for i, words := range filter(ranked) {
		if err := writeList(filepath.Join(out, lists()[i].name+".txt.gz"), words); err != nil {
			return err
		}
	}
	license, err := os.ReadFile(filepath.Join(src, "LICENSE.txt"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "LICENSE.txt"), license, 0o644)
}

// readCounts reads a count file (a word and its count a line, most frequent
// first) into word → rank; a word listed twice keeps its later rank.
func readCounts(path string) (map[string]int, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ranks := map[string]int{}
	rank := 0
	for line := range strings.Lines(string(text)) {
		rank++
		fields := strings.Fields(line)
		if len(fields) == 0 {
			return nil, fmt.Errorf("%s:%d: empty line", path, rank)
		}
		ranks[fields[0]] = rank
	}
	return ranks, nil
}

// filter keeps each word only in the list where it ranks best, drops short
// rare words (rank ≥ 10^length: brute force finds them sooner) and words with
// a comma or a double quote, and cuts each list to its limit. ranked[i] is
// lists()[i]'s word → rank.
func filter(ranked []map[string]int) [][]string {
	type best struct{ list, rank int }
	bests := map[string]best{}
	for i, r := range ranked {
		for word, rank := range r {
			if b, ok := bests[word]; !ok || rank < b.rank { // a tie stays with the earlier list
				bests[word] = best{i, rank}
			}
		}
	}
	out := make([][]string, len(ranked))
	for i, r := range ranked {
		var words []string
		for word, rank := range r {
			if bests[word].list != i || rareAndShort(word, rank) || strings.ContainsAny(word, `,"`) {
				continue
			}
			words = append(words, word)
		}
		slices.SortFunc(words, func(a, b string) int { return r[a] - r[b] })
		if n := lists()[i].limit; n > 0 && len(words) > n {
			words = words[:n]
		}
		out[i] = words
	}
	return out
}

func rareAndShort(word string, rank int) bool {
	bound := 1
	for range utf8.RuneCountInString(word) {
		bound *= 10
		if bound > rank {
			return false
		}
	}
	return rank >= bound
}

// writeList writes words one a line, gzip'd without a name or time in the
// header so that the same input gives the same bytes.
func writeList(path string, words []string) error {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	for _, w := range words {
		if strings.ContainsAny(w, "\n\r") {
			return fmt.Errorf("%s: word %q has a line break", path, w)
		}
		if _, err := zw.Write([]byte(w + "\n")); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
