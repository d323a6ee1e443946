package apkg

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/aymerick/douceur/css"
	"github.com/aymerick/douceur/parser"

	"github.com/cardgen/cardgen/exporters/render"
)

// TestNoteTypeContrast reads the note type's CSS, resolves the colour and
// background of plain text, the card's other text and every token class the
// highlighter can emit, as Anki's webview would cascade them in light and in
// night mode, and requires WCAG AA contrast (4.5:1) for each.
func TestNoteTypeContrast(t *testing.T) {
	sheet, err := parser.Parse(CSS())
	if err != nil {
		t.Fatalf("parsing the note type's CSS: %v", err)
	}
	rules := flatten(t, sheet.Rules)

	// Anki puts "card" on <body>, and in night mode .nightMode (2.1.50+)
	// and/or .night_mode (older desktop clients, AnkiDroid).
	modes := map[string][]string{
		"light":              {"card", "card1"},
		"night":              {"card", "card1", "nightMode", "night_mode"},
		"night (nightMode)":  {"card", "card1", "nightMode"},
		"night (night_mode)": {"card", "card1", "night_mode"},
	}
	code := []elem{{tag: "pre", classes: []string{"hl-chroma"}}, {tag: "code"}, {tag: "span", classes: []string{"hl-line"}}, {tag: "span", classes: []string{"hl-cl"}}}
	targets := map[string][]elem{
		"question":     {{tag: "div", classes: []string{"question"}}},
		"answer text":  {{tag: "div", classes: []string{"answer"}}, {tag: "p"}},
		"table cell":   {{tag: "div", classes: []string{"answer"}}, {tag: "table"}, {tag: "tbody"}, {tag: "tr"}, {tag: "td"}},
		"inline code":  {{tag: "div", classes: []string{"answer"}}, {tag: "p"}, {tag: "code"}},
		"plain code":   {{tag: "div", classes: []string{"answer"}}, {tag: "pre"}, {tag: "code"}},
		"link":         {{tag: "div", classes: []string{"answer"}}, {tag: "p"}, {tag: "a"}},
		"extra":        {{tag: "div", classes: []string{"extra"}}},
		"footer":       {{tag: "div", classes: []string{"meta"}}, {tag: "span", classes: []string{"id"}}},
		"cloze":        {{tag: "div", classes: []string{"question", "cloze-text"}}, {tag: "span", classes: []string{"cloze"}}},
		"retired":      {{tag: "div", classes: []string{"answer"}}, {tag: "p", classes: []string{"retired"}}},
		"code (plain)": append([]elem{{tag: "div", classes: []string{"answer"}}}, code...),
	}
	for _, tt := range render.TokenTypes() {
		cls := "hl-" + chroma.StandardTypes[tt]
		targets["code token ."+cls+" ("+tt.String()+")"] = append(append([]elem{{tag: "div", classes: []string{"answer"}}}, code...), elem{tag: "span", classes: []string{cls}})
	}

	names := make([]string, 0, len(targets))
	for n := range targets {
		names = append(names, n)
	}
	slices.Sort(names)
	for mode, body := range modes {
		lowest, lowestName := math.Inf(1), ""
		for _, name := range names {
			chain := append([]elem{{tag: "html"}, {tag: "body", classes: body}, {tag: "div", id: "qa"}}, targets[name]...)
			fg, bg := resolve(t, rules, chain)
			ratio := contrast(fg, bg)
			if ratio < lowest {
				lowest, lowestName = ratio, name
			}
			if ratio < 4.5 {
				t.Errorf("%s mode: %s is %s on %s, contrast %.2f:1, want at least 4.5:1", mode, name, fg, bg, ratio)
			}
		}
		t.Logf("%s mode: lowest contrast %.2f:1 (%s)", mode, lowest, lowestName)
	}
}

type elem struct {
	tag, id string
	classes []string
}

type decl struct {
	prop, value string
	important   bool
	spec        [3]int
	order       int
}

type rule struct {
	sel   []compound // rightmost last
	child []bool     // child[i]: sel[i] and sel[i+1] are joined by '>'
	decls []*css.Declaration
	spec  [3]int
	order int
}

type compound struct {
	tag, id string
	classes []string
	notTags []string
}

// flatten turns the stylesheet into one rule per selector; at-rules such as
// @media are left out (Anki's card is on screen, not print).
func flatten(t *testing.T, in []*css.Rule) []rule {
	var out []rule
	for _, r := range in {
		if r.Kind != css.QualifiedRule {
			continue
		}
		for _, s := range r.Selectors {
			sel, child, spec, err := parseSelector(s)
			if err != nil {
				t.Fatalf("selector %q: %v", s, err)
			}
			out = append(out, rule{sel: sel, child: child, decls: r.Declarations, spec: spec, order: len(out)})
		}
	}
	return out
}

var compoundRE = regexp.MustCompile(`^([a-z][a-z0-9]*|\*)?((?:[.#][A-Za-z0-9_-]+|:not\([a-z][a-z0-9]*\))*)$`)
var partRE = regexp.MustCompile(`[.#][A-Za-z0-9_-]+|:not\(([a-z][a-z0-9]*)\)`)

func parseSelector(s string) ([]compound, []bool, [3]int, error) {
	var sel []compound
	var child []bool
	var spec [3]int
	fields := strings.Fields(strings.ReplaceAll(s, ">", " > "))
	nextChild := false
	for _, f := range fields {
		if f == ">" {
			nextChild = true
			continue
		}
		m := compoundRE.FindStringSubmatch(f)
		if m == nil {
			return nil, nil, spec, fmt.Errorf("unsupported syntax in %q", f)
		}
		c := compound{tag: m[1]}
		if c.tag != "" && c.tag != "*" {
			spec[2]++
		}
		for _, p := range partRE.FindAllStringSubmatch(m[2], -1) {
			switch {
			case p[1] != "":
				c.notTags = append(c.notTags, p[1])
				spec[2]++
			case p[0][0] == '#':
				c.id = p[0][1:]
				spec[0]++
			default:
				c.classes = append(c.classes, p[0][1:])
				spec[1]++
			}
		}
		if len(sel) > 0 {
			child = append(child, nextChild)
		}
		nextChild = false
		sel = append(sel, c)
	}
	return sel, child, spec, nil
}

func (c compound) matches(e elem) bool {
	if c.tag != "" && c.tag != "*" && c.tag != e.tag {
		return false
	}
	if c.id != "" && c.id != e.id {
		return false
	}
	for _, cl := range c.classes {
		if !slices.Contains(e.classes, cl) {
			return false
		}
	}
	return !slices.Contains(c.notTags, e.tag)
}

// matches reports whether the rule's selector matches the last element of chain.
func (r rule) matches(chain []elem) bool {
	var match func(si, ei int) bool
	match = func(si, ei int) bool {
		if !r.sel[si].matches(chain[ei]) {
			return false
		}
		if si == 0 {
			return true
		}
		if r.child[si-1] {
			return ei > 0 && match(si-1, ei-1)
		}
		for j := ei - 1; j >= 0; j-- {
			if match(si-1, j) {
				return true
			}
		}
		return false
	}
	return match(len(r.sel)-1, len(chain)-1)
}

// value returns the cascaded value of prop on the last element of chain, or "".
func value(rules []rule, chain []elem, prop string) string {
	var best *decl
	for _, r := range rules {
		if !r.matches(chain) {
			continue
		}
		for _, d := range r.decls {
			if d.Property != prop {
				continue
			}
			c := &decl{prop: prop, value: strings.TrimSpace(d.Value), important: d.Important, spec: r.spec, order: r.order}
			if best == nil || better(c, best) {
				best = c
			}
		}
	}
	if best == nil {
		return ""
	}
	return best.value
}

func better(a, b *decl) bool {
	if a.important != b.important {
		return a.important
	}
	if c := slices.Compare(a.spec[:], b.spec[:]); c != 0 {
		return c > 0
	}
	return a.order > b.order
}

type rgba struct{ r, g, b, a float64 }

func (c rgba) String() string {
	return fmt.Sprintf("#%02x%02x%02x", int(math.Round(c.r)), int(math.Round(c.g)), int(math.Round(c.b)))
}

func over(top, under rgba) rgba {
	a := top.a
	return rgba{top.r*a + under.r*(1-a), top.g*a + under.g*(1-a), top.b*a + under.b*(1-a), 1}
}

// userAgent holds the browser's own colours for the elements the CSS may leave alone.
var userAgent = map[string]string{"a": "#0000ee"}

// resolve returns the text colour and the painted background of the last element of chain.
func resolve(t *testing.T, rules []rule, chain []elem) (fg, bg rgba) {
	bg = rgba{255, 255, 255, 1} // the webview's canvas
	fg = rgba{0, 0, 0, 1}
	for i := range chain {
		sub := chain[:i+1]
		if v := value(rules, sub, "background-color"); v != "" && v != "inherit" {
			bg = over(parseColour(t, v), bg)
		}
		v := value(rules, sub, "color")
		if v == "" {
			v = userAgent[chain[i].tag]
		}
		if v != "" && v != "inherit" {
			fg = parseColour(t, v)
		}
	}
	return over(fg, bg), bg
}

var rgbRE = regexp.MustCompile(`^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$`)

func parseColour(t *testing.T, v string) rgba {
	t.Helper()
	v = strings.ToLower(strings.TrimSpace(v))
	switch {
	case v == "transparent":
		return rgba{}
	case strings.HasPrefix(v, "#") && (len(v) == 4 || len(v) == 7):
		h := v[1:]
		if len(h) == 3 {
			h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
		}
		n, err := strconv.ParseUint(h, 16, 32)
		if err == nil {
			return rgba{float64(n >> 16 & 0xff), float64(n >> 8 & 0xff), float64(n & 0xff), 1}
		}
	case rgbRE.MatchString(v):
		m := rgbRE.FindStringSubmatch(v)
		f := func(s string) float64 { x, _ := strconv.ParseFloat(s, 64); return x }
		a := 1.0
		if m[4] != "" {
			a = f(m[4])
		}
		return rgba{f(m[1]), f(m[2]), f(m[3]), a}
	}
	t.Fatalf("colour %q: not understood by the contrast test", v)
	return rgba{}
}

// contrast is the WCAG 2 contrast ratio.
func contrast(a, b rgba) float64 {
	lum := func(c rgba) float64 {
		lin := func(v float64) float64 {
			s := v / 255
			if s <= 0.04045 {
				return s / 12.92
			}
			return math.Pow((s+0.055)/1.055, 2.4)
		}
		return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}
