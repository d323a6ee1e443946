package builder

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/cjkpunct"
	"github.com/cardgen/cardgen/exporters/html/mathml"
	"github.com/cardgen/cardgen/exporters/render"
	"github.com/cardgen/cardgen/internal/par"
)

// checkText reports what is wrong in the text of d's cards, each at the
// line of the file where it stands: formulas that do not parse or use a
// command outside the supported set (errors), formulas LaTeX rejects
// though MathJax renders them (warnings), and, when the deck sets
// cjk_punctuation, half-width punctuation between CJK characters (warnings).
func checkText(d *cards.Deck) cards.Diagnostics {
	cjk := d.Config.Deck.CJKPunctuation
	per := make([]cards.Diagnostics, len(d.Cards))
	// Short formulas ($K$, $\gamma$) recur across a deck; each is parsed once.
	var seen sync.Map
	files := &fileTexts{data: map[string]string{}}
	par.Do(len(d.Cards), func(i int) {
		c := d.Cards[i]
		keys := c.SourceKeys()
		for k, text := range c.Sources() {
			f := struct{ key, text string }{keys[k], text}
			hasMath := strings.Contains(f.text, "$")
			if !hasMath && !cjk {
				continue
			}
			var problems []textProblem
			if hasMath {
				problems = append(problems, formulaProblems(f.text, &seen)...)
			}
			if cjk {
				for _, m := range cjkpunct.Check(f.text) {
					problems = append(problems, textProblem{m.Offset, cards.Warning,
						fmt.Sprintf("half-width '%c' between Chinese characters; use the full-width mark (%s) or run go run ./tools/cjkpunct %s", m.Mark, fullWidth(m.Mark), c.File)})
				}
			}
			if len(problems) == 0 {
				continue
			}
			locate := files.locator(c, f.key, f.text)
			for _, p := range problems {
				line, col := locate(p.offset)
				per[i] = append(per[i], cards.Diagnostic{File: c.File, Line: line, Col: col, Severity: p.severity,
					Message: fmt.Sprintf("card '%s' %s: %s", c.ID, f.key, p.msg)})
			}
		}
	})
	var ds cards.Diagnostics
	for _, p := range per {
		ds = append(ds, p...)
	}
	return ds
}

type textProblem struct {
	offset   int
	severity cards.Severity
	msg      string
}

func formulaProblems(md string, seen *sync.Map) []textProblem {
	var out []textProblem
	for _, f := range render.Formulas(md) {
		type key struct {
			tex     string
			display bool
		}
		k := key{f.TeX, f.Display}
		v, ok := seen.Load(k)
		if !ok {
			v, _ = seen.LoadOrStore(k, mathml.Check(f.TeX, f.Display))
		}
		for _, p := range v.([]mathml.Problem) {
			sev := cards.Error
			if p.Warning {
				sev = cards.Warning
			}
			out = append(out, textProblem{f.Offset + p.Offset, sev, fmt.Sprintf("formula %s: %s", clip(f.TeX, 40), p.Msg)})
		}
	}
	return out
}

func fullWidth(r rune) string {
	if s, ok := cjkpunct.Full[r]; ok {
		return s
	}
	switch r {
	case '"':
		return "“”"
	case '.':
		return "。"
	case '\'':
		return "‘’"
	}
	return string(r)
}

// clip quotes s for a message, cut to n runes.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return "$" + s + "$"
}

// fileTexts reads each topic file once, to turn an offset in a field into a line.
type fileTexts struct {
	mu   sync.Mutex
	data map[string]string
}

func (ft *fileTexts) text(path string) string {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	s, ok := ft.data[path]
	if !ok {
		b, _ := os.ReadFile(path)
		s = strings.ReplaceAll(string(b), "\r\n", "\n")
		ft.data[path] = s
	}
	return s
}

// locator returns the function giving the file line and column (in
// characters) of a byte offset in card c's field key. A value written as is
// (a literal string, or a basic string without escapes) is found in the
// file and the place is exact; otherwise lines are counted from the key's
// line and the column is left out.
func (ft *fileTexts) locator(c *cards.Card, key, value string) func(int) (line, col int) {
	keyLine := c.LineOf(key)
	src := ft.text(c.File)
	start := 0
	for l := 1; l < keyLine && start < len(src); l++ {
		i := strings.IndexByte(src[start:], '\n')
		if i < 0 {
			break
		}
		start += i + 1
	}
	if i := strings.Index(src[start:], value); i >= 0 && value != "" {
		base := start + i
		return func(off int) (int, int) {
			at := base + off
			lineStart := strings.LastIndexByte(src[:at], '\n') + 1
			return 1 + strings.Count(src[:at], "\n"), 1 + utf8.RuneCountInString(src[lineStart:at])
		}
	}
	return func(off int) (int, int) { return keyLine + strings.Count(value[:min(off, len(value))], "\n"), 0 }
}
