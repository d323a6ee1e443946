package markdown_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cardgen/cardgen/builder"
	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/markdown"
	"github.com/cardgen/cardgen/exporters/render"
	"github.com/cardgen/cardgen/internal/decktest"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
)

var epoch = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// buildDeck runs the real pipeline and returns the loaded deck and the output folder.
func buildDeck(t *testing.T, cfg string, at time.Time) (*cards.Deck, string) {
	t.Helper()
	var stderr bytes.Buffer
	if _, err := builder.Run(builder.Options{ConfigPath: cfg, Epoch: at, Stderr: &stderr}); err != nil {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
	d, ds := cards.Load(cfg)
	if d == nil {
		t.Fatal(ds)
	}
	return d, filepath.Join(filepath.Dir(cfg), "dist")
}

// frontMatter splits a document into its YAML metadata lines and its body.
func frontMatter(t *testing.T, doc string) (meta []string, body string) {
	t.Helper()
	rest, ok := strings.CutPrefix(doc, "---\n")
	if !ok {
		t.Fatalf("no metadata block at the top:\n%.200s", doc)
	}
	yaml, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		t.Fatal("metadata block is not closed")
	}
	return strings.Split(yaml, "\n"), body
}

// heading is one <h1>…<h6> of the rendered document.
type heading struct {
	level  int
	text   string
	anchor string // id of the anchor paragraph right before it, if any
}

// page is the document rendered to HTML the way GitHub renders it: the
// front matter removed, then goldmark with GFM and a sanitizer (the shared
// renderer), then parsed back into elements.
type page struct {
	html     string
	text     string
	ids      []string
	links    []string
	headings []heading
	details  int
}

func renderPage(t *testing.T, body string) page {
	t.Helper()
	h, err := render.Default().HTML(body)
	if err != nil {
		t.Fatal(err)
	}
	root, err := html.Parse(strings.NewReader(h))
	if err != nil {
		t.Fatal(err)
	}
	p := page{html: h}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if id := attr(n, "id"); id != "" {
				p.ids = append(p.ids, id)
			}
			if href := attr(n, "href"); strings.HasPrefix(href, "#") {
				p.links = append(p.links, href[1:])
			}
			if n.Data == "details" {
				p.details++
			}
			if len(n.Data) == 2 && n.Data[0] == 'h' && n.Data[1] >= '1' && n.Data[1] <= '6' {
				p.headings = append(p.headings, heading{level: int(n.Data[1] - '0'), text: textOf(n), anchor: anchorBefore(n)})
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	p.text = textOf(root)
	return p
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

// anchorBefore returns the id of a <p><span id=…></span></p> right before n.
func anchorBefore(n *html.Node) string {
	prev := n.PrevSibling
	for prev != nil && prev.Type != html.ElementNode {
		prev = prev.PrevSibling
	}
	if prev == nil || prev.Data != "p" {
		return ""
	}
	span := prev.FirstChild
	if span == nil || span.NextSibling != nil || span.Type != html.ElementNode || span.Data != "span" {
		return ""
	}
	return attr(span, "id")
}

var mathRE = regexp.MustCompile(`(?s)\\\((.*?)\\\)|\\\[(.*?)\\\]`)

// formulas returns every \(…\) and \[…\] of rendered HTML, whitespace collapsed.
func formulas(h string) []string {
	var out []string
	for _, m := range mathRE.FindAllStringSubmatch(h, -1) {
		out = append(out, strings.Join(strings.Fields(html.UnescapeString(m[1]+m[2])), " "))
	}
	return out
}

var layouts = []struct {
	format, file string
	cardLevel    int
}{
	{"md", "fixture.md", 2},
	{"md-details", "fixture.details.md", 2},
	{"md-quiz", "fixture.quiz.md", 3},
}

func TestDocumentStructure(t *testing.T) {
	d, dist := buildDeck(t, decktest.CopyDeck(t, "testdata/deck"), epoch)
	rendered, err := exporters.Render(d, render.Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layouts {
		t.Run(l.format, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dist, l.file))
			if err != nil {
				t.Fatal(err)
			}
			_, body := frontMatter(t, string(data))
			p := renderPage(t, body)

			seen := map[string]bool{}
			for _, id := range p.ids {
				if seen[id] {
					t.Errorf("id %q is used twice", id)
				}
				seen[id] = true
			}
			for _, l := range p.links {
				if !seen[l] {
					t.Errorf("link #%s has no target", l)
				}
			}
			if len(p.links) < len(d.Cards) {
				t.Errorf("the table of contents has %d links for %d cards", len(p.links), len(d.Cards))
			}

			// One heading per card, anchored by its id, at the card level; every
			// other heading nests inside a card or carries an anchor of its own.
			perCard := map[string]int{}
			cardLevel := 0
			for _, h := range p.headings {
				if slices.ContainsFunc(d.Cards, func(c *cards.Card) bool { return c.ID == h.anchor }) {
					perCard[h.anchor]++
					if h.level != l.cardLevel {
						t.Errorf("card %s has a level-%d heading, want %d", h.anchor, h.level, l.cardLevel)
					}
				}
				switch {
				case h.anchor != "":
					cardLevel = 0
					if strings.HasPrefix(h.anchor, "answer_") || perCard[h.anchor] > 0 {
						cardLevel = h.level
					}
				case cardLevel == 0 || h.level <= cardLevel:
					t.Errorf("heading %q (level %d) does not nest under a card (level %d)", h.text, h.level, cardLevel)
				}
			}
			for _, c := range d.Cards {
				if perCard[c.ID] != 1 {
					t.Errorf("card %s has %d headings, want 1", c.ID, perCard[c.ID])
				}
			}

			// Math and code come through exactly as the cards render alone.
			for _, c := range d.Cards {
				f := rendered.Get(c.ID)
				for _, m := range formulas(f.Question + f.Answer + f.Extra) {
					if !slices.Contains(formulas(p.html), m) {
						t.Errorf("card %s: formula %q is missing", c.ID, m)
					}
				}
			}
			for _, want := range []string{"# a comment, not a heading\nprint(\"# neither\")", `fmt.Println("hi") // prints hi`, "echo $HOME"} {
				if !strings.Contains(p.text, want) {
					t.Errorf("code block lost: no %q", want)
				}
			}

			if l.format == "md-details" && p.details != len(d.Cards) {
				t.Errorf("%d <details> for %d cards", p.details, len(d.Cards))
			}
			if l.format != "md-details" && p.details != 0 {
				t.Errorf("%d <details>, want none", p.details)
			}
			if l.format == "md-quiz" {
				answers := slices.Index(p.ids, "part_answers")
				for i, id := range p.ids {
					isQuestion := slices.ContainsFunc(d.Cards, func(c *cards.Card) bool { return c.ID == id })
					if isQuestion && i > answers || strings.HasPrefix(id, "answer_") && i < answers {
						t.Errorf("%s is on the wrong side of the answers part", id)
					}
				}
			}
		})
	}
}

// The answer's own headings keep their relative levels and start one level
// below the card; code and math lines that look like headings are not headings.
func TestAnswerHeadingsNestUnderTheCard(t *testing.T) {
	_, dist := buildDeck(t, decktest.CopyDeck(t, "testdata/deck"), epoch)
	for _, l := range layouts {
		data, err := os.ReadFile(filepath.Join(dist, l.file))
		if err != nil {
			t.Fatal(err)
		}
		_, body := frontMatter(t, string(data))
		p := renderPage(t, body)
		i := slices.IndexFunc(p.headings, func(h heading) bool { return h.anchor == "answer-headings" })
		if l.format == "md-quiz" {
			i = slices.IndexFunc(p.headings, func(h heading) bool { return h.anchor == "answer_answer-headings" })
		}
		var got []heading
		for _, h := range p.headings[i+1:] {
			if h.anchor != "" {
				break
			}
			got = append(got, heading{level: h.level, text: h.text})
		}
		c := l.cardLevel
		want := []heading{{c + 1, "Overview", ""}, {c + 2, "Details", ""}, {c + 2, "Setext heading", ""}, {min(c+4, 6), "Deep heading", ""}}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(heading{})); diff != "" {
			t.Errorf("%s: answer headings (-want +got):\n%s", l.format, diff)
		}
	}
}

func TestFrontMatter(t *testing.T) {
	cfg := decktest.CopyDeck(t, "testdata/deck")
	_, dist := buildDeck(t, cfg, epoch)
	data, err := os.ReadFile(filepath.Join(dist, "fixture.md"))
	if err != nil {
		t.Fatal(err)
	}
	meta, _ := frontMatter(t, string(data))
	for _, want := range []string{
		`title: "Fixture \"测试\" 题库"`,
		`date: "2026-03-14"`,
		"lang: zh-CN",
		`CJKmainfont: "Noto Serif CJK SC"`,
		`documentclass: "article"`,
	} {
		if !slices.Contains(meta, want) {
			t.Errorf("metadata has no line %s:\n%s", want, strings.Join(meta, "\n"))
		}
	}
	if slices.ContainsFunc(meta, func(l string) bool { return strings.HasPrefix(l, "subtitle:") }) {
		t.Error("the full deck has no subtitle")
	}

	part, err := os.ReadFile(filepath.Join(dist, "fixture-beta.md"))
	if err != nil {
		t.Fatal(err)
	}
	if meta, _ := frontMatter(t, string(part)); !slices.Contains(meta, `subtitle: "乙 Beta"`) {
		t.Errorf("a per-topic document names its topic:\n%s", strings.Join(meta, "\n"))
	}

	// The date is when the selected cards last changed, kept in the lock:
	// a rebuild later without a fixed time gives the same date, and an edit
	// moves the date of the documents holding the edited card only.
	later := epoch.AddDate(0, 1, 0)
	_, dist = buildDeck(t, cfg, time.Time{})
	if got := dateOf(t, filepath.Join(dist, "fixture.md")); got != `date: "2026-03-14"` {
		t.Errorf("rebuild without change: %s, want the lock's date 2026-03-14", got)
	}
	alpha := filepath.Join(filepath.Dir(cfg), "cards", "alpha.toml")
	src, err := os.ReadFile(alpha)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(src), `answer = "The home folder."`, `answer = "The home folder, e.g. /root."`, 1)
	if edited == string(src) {
		t.Fatal("fixture changed: the edit did not apply")
	}
	if err := os.WriteFile(alpha, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	_, dist = buildDeck(t, cfg, later)
	if got := dateOf(t, filepath.Join(dist, "fixture.md")); got != `date: "2026-04-14"` {
		t.Errorf("after an edit: %s, want 2026-04-14", got)
	}
	if got := dateOf(t, filepath.Join(dist, "fixture-beta.md")); got != `date: "2026-03-14"` {
		t.Errorf("a document without the edited card: %s, want 2026-03-14", got)
	}
}

func dateOf(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	meta, _ := frontMatter(t, string(data))
	for _, l := range meta {
		if strings.HasPrefix(l, "date:") {
			return l
		}
	}
	return ""
}

// Without a lock or a fixed build time there is no date: output never
// depends on the clock.
func TestNoDateWithoutLockOrEpoch(t *testing.T) {
	d, ds := cards.Load("testdata/deck/config.toml")
	if d == nil {
		t.Fatal(ds)
	}
	rendered, err := exporters.Render(d, render.Default())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := (markdown.Exporter{}).Export(&b, &exporters.Input{Deck: d, Full: d, Target: cards.FullTarget, HTML: rendered, Paper: "letter"}); err != nil {
		t.Fatal(err)
	}
	meta, _ := frontMatter(t, b.String())
	if slices.ContainsFunc(meta, func(l string) bool { return strings.HasPrefix(l, "date:") }) {
		t.Errorf("a date without lock or SOURCE_DATE_EPOCH:\n%s", strings.Join(meta, "\n"))
	}
	if !slices.Contains(meta, `papersize: "letter"`) {
		t.Errorf("papersize does not follow the build's paper size:\n%s", strings.Join(meta, "\n"))
	}
}

func TestWriteQuestionList(t *testing.T) {
	d, ds := cards.Load("testdata/deck/config.toml")
	if d == nil {
		t.Fatal(ds)
	}
	var b bytes.Buffer
	if err := markdown.WriteQuestionList(&b, d, 3); err != nil {
		t.Fatal(err)
	}
	want := `### 甲 Alpha (5)

1. Which headings does this answer have?
2. Explain this code:
3. code-first
4. Why is $e^{i\pi} + 1 = 0$ and not $$\sum_{k=0}^{\infty} \frac{1}{k!} < 3$$?
5. Is the language called C \#

### 乙 Beta (2)

6. Euler's number is about \[…\], and $\pi$ is about \[a number\].
7. 猫
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCardsAreNumberedInDocumentOrder(t *testing.T) {
	d, dist := buildDeck(t, decktest.CopyDeck(t, "testdata/deck"), epoch)
	data, err := os.ReadFile(filepath.Join(dist, "fixture.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, body := frontMatter(t, string(data))
	var got []string
	for _, h := range renderPage(t, body).headings {
		if h.level == 2 {
			got = append(got, h.text)
		}
	}
	var want []string
	for i, c := range d.Cards {
		head := map[string]string{
			"answer-headings":    "Which headings does this answer have?",
			"question-with-code": "Explain this code:",
			"code-first":         "code-first",
			"math-question":      `Why is \(e^{i\pi} + 1 = 0\) and not \[\sum_{k=0}^{\infty} \frac{1}{k!} < 3\]?`,
			"trailing-hash":      "Is the language called C #",
			"cloze-card":         `Euler's number is about […], and \(\pi\) is about [a number].`,
			"reversed-card":      "猫",
		}[c.ID]
		want = append(want, fmt.Sprintf("%d. %s", i+1, head))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("card headings (-want +got):\n%s", diff)
	}
}
