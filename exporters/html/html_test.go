package html_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	htmlexp "github.com/cardgen/cardgen/exporters/html"
	"github.com/cardgen/cardgen/exporters/html/htmltest"
	"github.com/cardgen/cardgen/exporters/html/mathml"
	"github.com/cardgen/cardgen/exporters/render"
	nethtml "golang.org/x/net/html"
)

// export runs the exporter the way a build does and parses what it wrote.
func export(t *testing.T, l htmlexp.Layout, in *exporters.Input) (string, *nethtml.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := (htmlexp.Exporter{Layout: l}).Export(&buf, in); err != nil {
		t.Fatal(err)
	}
	doc, err := nethtml.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return buf.String(), doc
}

func findAll(n *nethtml.Node, match func(*nethtml.Node) bool) []*nethtml.Node {
	var out []*nethtml.Node
	var walk func(*nethtml.Node)
	walk = func(n *nethtml.Node) {
		if n.Type == nethtml.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func byTag(tag string) func(*nethtml.Node) bool {
	return func(n *nethtml.Node) bool { return n.Data == tag }
}

func byClass(class string) func(*nethtml.Node) bool {
	return func(n *nethtml.Node) bool { return slices.Contains(strings.Fields(attr(n, "class")), class) }
}

func attr(n *nethtml.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func text(n *nethtml.Node) string {
	var b strings.Builder
	var walk func(*nethtml.Node)
	walk = func(n *nethtml.Node) {
		if n.Type == nethtml.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func TestFormats(t *testing.T) {
	for _, tt := range []struct {
		l         htmlexp.Layout
		format    string
		extension string
	}{
		{htmlexp.Study, "html", ".html"},
		{htmlexp.Quiz, "html-quiz", ".quiz.html"},
		{htmlexp.Cards, "html-cards", ".cards.html"},
	} {
		e := htmlexp.Exporter{Layout: tt.l}
		if e.Format() != tt.format || e.Extension() != tt.extension {
			t.Errorf("layout %s: format %q extension %q, want %q %q", tt.l.Name(), e.Format(), e.Extension(), tt.format, tt.extension)
		}
	}
}

// TestSelfContained checks every layout for what would need the network or
// a script when the page opens.
func TestSelfContained(t *testing.T) {
	var warnings []string
	in := htmltest.Input(t, &warnings)
	for _, l := range htmlexp.Layouts {
		t.Run(l.Name(), func(t *testing.T) {
			src, doc := export(t, l, in)
			for _, tag := range []string{"script", "link", "iframe", "object", "embed", "base"} {
				if n := findAll(doc, byTag(tag)); len(n) > 0 {
					t.Errorf("page has a <%s> element", tag)
				}
			}
			if n := findAll(doc, byTag("style")); len(n) != 1 {
				t.Errorf("page has %d <style> elements, want 1", len(n))
			}
			for _, n := range findAll(doc, func(*nethtml.Node) bool { return true }) {
				for _, a := range n.Attr {
					switch {
					case a.Key == "src" && !strings.HasPrefix(a.Val, "data:"):
						t.Errorf("<%s src=%q> is not inlined", n.Data, a.Val)
					case a.Key == "href" && !strings.HasPrefix(a.Val, "#"):
						t.Errorf("<%s href=%q> leaves the page", n.Data, a.Val)
					case strings.HasPrefix(a.Key, "on"):
						t.Errorf("<%s> has an event handler %s", n.Data, a.Key)
					}
				}
			}
			css := text(findAll(doc, byTag("style"))[0])
			for _, m := range regexp.MustCompile(`url\(\s*['"]?([^)'"]*)`).FindAllStringSubmatch(css, -1) {
				if !strings.HasPrefix(m[1], "data:") {
					t.Errorf("stylesheet loads %s", m[1])
				}
			}
			if strings.Contains(css, "@import") {
				t.Error("stylesheet has @import")
			}
			imgs := findAll(doc, byTag("img"))
			if l != htmlexp.Quiz || len(imgs) > 0 {
				if len(imgs) != 1 || !strings.HasPrefix(attr(imgs[0], "src"), "data:image/png;base64,") {
					t.Errorf("want the card's image inlined as a PNG data URI, got %d <img>", len(imgs))
				}
			}
			if !strings.HasPrefix(src, "<!DOCTYPE html>") {
				t.Errorf("page does not start with a doctype: %.40q", src)
			}
			if html := findAll(doc, byTag("html")); attr(html[0], "lang") != "zh-CN" {
				t.Errorf("lang = %q, want zh-CN for a Chinese deck", attr(html[0], "lang"))
			}
		})
	}
}

func TestMath(t *testing.T) {
	var warnings []string
	in := htmltest.Input(t, &warnings)
	_, doc := export(t, htmlexp.Study, in)

	maths := findAll(doc, byTag("math"))
	if len(maths) < 5 {
		t.Fatalf("found %d <math> elements, want every supported formula converted", len(maths))
	}
	if maths[0].Namespace != "math" {
		t.Errorf("<math> parsed into namespace %q, want MathML", maths[0].Namespace)
	}
	blocks := 0
	for _, m := range maths {
		if attr(m, "display") == "block" {
			blocks++
		}
	}
	if blocks != 2 {
		t.Errorf("%d display formulas, want 2", blocks)
	}
	if got := findAll(doc, func(n *nethtml.Node) bool { return n.Data == "mtable" }); len(got) != 1 {
		t.Errorf("the bmatrix gave %d <mtable>, want 1", len(got))
	}
	// TeX is left only where the converter gave up, marked as source code.
	sources := findAll(doc, byClass("tex-source"))
	if len(sources) != 1 || !strings.Contains(text(sources[0]), `\color{red}`) {
		t.Errorf("want the one unsupported formula shown as TeX source, got %d", len(sources))
	}
	for _, n := range findAll(doc, byTag("article")) {
		if attr(n, "id") == "card-"+htmltest.UnsupportedID {
			continue
		}
		if s := text(n); strings.Contains(s, `\frac`) || strings.Contains(s, `\(`) || strings.Contains(s, `$`) {
			t.Errorf("card %s still shows TeX: %.80q", attr(n, "id"), s)
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "'"+htmltest.UnsupportedID+"'") || !strings.Contains(warnings[0], `\color`) {
		t.Errorf("warnings = %q, want one naming card %s and \\color", warnings, htmltest.UnsupportedID)
	}
}

func TestStudy(t *testing.T) {
	var warnings []string
	in := htmltest.Input(t, &warnings)
	_, doc := export(t, htmlexp.Study, in)

	if h1 := findAll(doc, byTag("h1")); len(h1) != 1 || text(h1[0]) != "打印测试" {
		t.Errorf("title page heading: %v", h1)
	}
	toc := findAll(doc, byClass("toc"))
	if len(toc) != 1 {
		t.Fatal("no table of contents")
	}
	var links []string
	for _, a := range findAll(toc[0], byTag("a")) {
		links = append(links, attr(a, "href"))
	}
	if want := []string{"#topic-normalization", "#topic-detection"}; !slices.Equal(links, want) {
		t.Errorf("contents link to %q, want %q", links, want)
	}
	var sections []string
	for _, s := range findAll(doc, byClass("topic")) {
		sections = append(sections, attr(s, "id"))
	}
	if want := []string{"topic-normalization", "topic-detection"}; !slices.Equal(sections, want) {
		t.Errorf("sections %q, want %q", sections, want)
	}
	articles := findAll(doc, byTag("article"))
	var ids []string
	for i, a := range articles {
		ids = append(ids, strings.TrimPrefix(attr(a, "id"), "card-"))
		for _, part := range []string{"question", "answer", "card-meta", "num"} {
			if len(findAll(a, byClass(part))) == 0 {
				t.Errorf("card %s has no .%s", ids[i], part)
			}
		}
		if got := text(findAll(a, byClass("card-id"))[0]); got != ids[i] {
			t.Errorf("card %s shows id %q", ids[i], got)
		}
		if got, want := text(findAll(a, byClass("num"))[0]), strconv.Itoa(i+1); got != want {
			t.Errorf("card %s is numbered %s, want %s", ids[i], got, want)
		}
	}
	if !slices.Equal(ids, htmltest.IDs) {
		t.Errorf("cards %q, want %q in set order", ids, htmltest.IDs)
	}
	first := articles[0]
	if tags := text(findAll(first, byClass("tags"))[0]); !strings.Contains(tags, "#batchnorm") || !strings.Contains(tags, "#basics") {
		t.Errorf("tags of the first card: %q", tags)
	}
	if len(findAll(first, byClass("extra"))) != 1 {
		t.Error("the first card's extra is missing")
	}
	empty := articles[slices.Index(htmltest.IDs, "rotated-iou")]
	if len(findAll(empty, byClass("no-answer"))) != 1 {
		t.Error("a card without answer does not say so")
	}
	code := findAll(doc, byTag("pre"))
	if len(code) != 1 || !strings.Contains(text(code[0]), "def roi_align") {
		t.Errorf("want the highlighted code block, got %d <pre>", len(code))
	}
}

func TestCloze(t *testing.T) {
	var warnings []string
	in := htmltest.Input(t, &warnings)
	_, doc := export(t, htmlexp.Study, in)
	card := findAll(doc, func(n *nethtml.Node) bool { return attr(n, "id") == "card-cloze-card" })[0]
	front := text(findAll(card, byClass("question"))[0])
	if strings.Contains(front, "调制因子") || !strings.Contains(front, "[…]") || !strings.Contains(front, "[哪类样本]") {
		t.Errorf("cloze front %q: want deletions hidden, the hint shown", front)
	}
	if strings.Contains(front, "{{") {
		t.Errorf("cloze front shows the deletion syntax: %q", front)
	}
	back := text(findAll(card, byClass("answer"))[0])
	if !strings.Contains(back, "调制因子") || !strings.Contains(back, "易分样本") || !strings.Contains(back, "RetinaNet") {
		t.Errorf("cloze answer %q: want the deletions revealed and the answer", back)
	}
}

func TestQuiz(t *testing.T) {
	var warnings []string
	in := htmltest.Input(t, &warnings)
	_, doc := export(t, htmlexp.Quiz, in)
	for _, s := range findAll(doc, byClass("topic")) {
		if n := findAll(s, byClass("answer")); len(n) > 0 {
			t.Errorf("section %s shows answers; the quiz keeps them for the end", attr(s, "id"))
		}
	}
	answers := findAll(doc, byClass("answers"))
	if len(answers) != 1 {
		t.Fatal("no answers section")
	}
	var ids []string
	for _, a := range findAll(answers[0], byTag("article")) {
		ids = append(ids, strings.TrimPrefix(attr(a, "id"), "answer-"))
		num := findAll(a, byClass("num"))[0]
		if attr(num, "href") != "#card-"+ids[len(ids)-1] {
			t.Errorf("answer %s links back to %q", ids[len(ids)-1], attr(num, "href"))
		}
	}
	if !slices.Equal(ids, htmltest.IDs) {
		t.Errorf("answers %q, want %q", ids, htmltest.IDs)
	}
}

func TestCards(t *testing.T) {
	var warnings []string
	in := htmltest.Input(t, &warnings)
	src, doc := export(t, htmlexp.Cards, in)
	sheets := findAll(doc, byClass("sheet"))
	// 7 cards, 4 to a sheet: two sheets, each a side of fronts and a side of backs.
	if len(sheets) != 4 {
		t.Fatalf("%d sheet sides, want 4", len(sheets))
	}
	cellIDs := func(s *nethtml.Node) []string {
		var out []string
		for _, c := range findAll(s, byClass("cell")) {
			id := strings.TrimPrefix(attr(c, "id"), "card-")
			if back := attr(c, "data-card"); back != "" {
				id = back
			}
			out = append(out, id)
		}
		return out
	}
	ids := htmltest.IDs
	for i, want := range [][]string{
		ids[0:4],                         // fronts, in order
		{ids[1], ids[0], ids[3], ids[2]}, // backs, each row mirrored
		{ids[4], ids[5], ids[6], ""},     // last fronts, one cell empty
		{ids[5], ids[4], "", ids[6]},     // its backs stay behind their fronts
	} {
		if got := cellIDs(sheets[i]); !slices.Equal(got, want) {
			t.Errorf("sheet side %d: cells %q, want %q", i+1, got, want)
		}
	}
	if !strings.Contains(src, "grid-template-columns: repeat(2, 1fr)") || !strings.Contains(src, "size: A4") {
		t.Error("the stylesheet does not lay the sheet out as a 2-column grid on A4")
	}
	if len(findAll(doc, byClass("blank-page"))) != 1 {
		t.Error("the title page needs a blank back so fronts and backs pair up")
	}
}

func TestPaper(t *testing.T) {
	var warnings []string
	in := htmltest.Input(t, &warnings)
	for paper, want := range map[string]string{"": "size: A4", "a4": "size: A4", "letter": "size: letter"} {
		in.Paper = paper
		doc, err := htmlexp.Document(in, htmlexp.Study)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("paper %q: the stylesheet lacks %q", paper, want)
		}
	}
	in.Paper = "a5"
	if _, err := htmlexp.Document(in, htmlexp.Study); err == nil || !strings.Contains(err.Error(), "a4 or letter") {
		t.Errorf("paper a5: err = %v, want one listing a4 and letter", err)
	}
}

// TestDeterministic checks that the same input gives the same bytes.
func TestDeterministic(t *testing.T) {
	var warnings []string
	in := htmltest.Input(t, &warnings)
	in.Epoch = time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	for _, l := range htmlexp.Layouts {
		a, err := htmlexp.Document(in, l)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := htmlexp.Document(in, l)
		if !bytes.Equal(a, b) {
			t.Errorf("layout %s: two exports differ", l.Name())
		}
		if !bytes.Contains(a, []byte("2026-03-14")) {
			t.Errorf("layout %s: the build date is not on the title page", l.Name())
		}
	}
}

// TestMissingImage checks that an image that cannot be read fails the export
// with the card named, rather than printing a broken page.
func TestMissingImage(t *testing.T) {
	var warnings []string
	in := htmltest.Input(t, &warnings)
	for _, c := range in.Deck.Cards {
		for _, m := range c.Media {
			if err := os.Remove(m.Path); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, err := htmlexp.Document(in, htmlexp.Study)
	if err == nil || !strings.Contains(err.Error(), "card 'figure'") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want the missing image of card 'figure'", err)
	}
}

// TestShippedDeckMath converts every formula of the deck in this repository:
// what the printable formats cannot render should be known before a build warns.
func TestShippedDeckMath(t *testing.T) {
	cfg := filepath.Join("..", "..", "config.toml")
	deck, ds := cards.Load(cfg)
	if deck == nil {
		t.Fatalf("the shipped deck does not load: %v", ds)
	}
	rendered, err := exporters.Render(deck, render.Default())
	if err != nil {
		t.Fatal(err)
	}
	mathRE := regexp.MustCompile(`<(?:span|div) class="math (inline|display)">\\[(\[]([^<]*?)\\[)\]]</(?:span|div)>`)
	n := 0
	for _, c := range deck.Cards {
		f := rendered.Get(c.ID)
		for _, h := range []string{f.Question, f.Answer, f.Extra} {
			for _, m := range mathRE.FindAllStringSubmatch(h, -1) {
				n++
				tex := nethtml.UnescapeString(m[2])
				if _, err := mathml.Convert(tex, m[1] == "display"); err != nil {
					t.Errorf("%s:%d: card '%s': %v: %s", c.File, c.Line, c.ID, err, tex)
				}
			}
		}
	}
	t.Logf("%d formulas converted", n)
}
