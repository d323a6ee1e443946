package pdf_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	htmlexp "github.com/cardgen/cardgen/exporters/html"
	"github.com/cardgen/cardgen/exporters/pdf"
	"github.com/cardgen/cardgen/exporters/render"
)

// TestShippedCardsPrintWhole prints the shipped deck in the cards layout and
// requires every piece of text of every answer (all but formulas, which the
// PDF holds as math glyphs) in the text of the PDF: a printed card never
// loses text, however long its answer.
func TestShippedCardsPrintWhole(t *testing.T) {
	requireTools(t)
	deck, ds := cards.Load("../../config.toml")
	if deck == nil || ds.Err(false) != nil {
		t.Fatalf("the shipped deck does not load: %v", ds)
	}
	rendered, err := exporters.Render(deck, render.Default())
	if err != nil {
		t.Fatal(err)
	}
	var warnings []string
	in := &exporters.Input{Deck: deck, Full: deck, Target: cards.FullTarget, HTML: rendered,
		Warn: func(format string, args ...any) { warnings = append(warnings, format) }}
	var buf bytes.Buffer
	if err := (pdf.Exporter{Layout: htmlexp.Cards}).Export(&buf, in); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "deck.cards.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	pages, _ := info(t, path)
	t.Logf("%d cards on %d pages", len(deck.Cards), pages)
	// -raw keeps the order the text was drawn in: cell by cell, not across
	// the columns of a sheet.
	flat := squeeze(run(t, "pdftotext", "-raw", "-enc", "UTF-8", path, "-"))

	cut := 0
	for _, c := range deck.Cards {
		f := rendered.Get(c.ID)
		var missing []string
		for _, piece := range textPieces(t, f.Answer+f.Extra) {
			if !strings.Contains(flat, piece) {
				missing = append(missing, piece)
			}
		}
		if len(missing) > 0 {
			cut++
			t.Errorf("card '%s': the printed cards lack %d pieces of its answer, such as %q", c.ID, len(missing), missing[0])
		}
	}
	t.Logf("%d of %d cards lose text", cut, len(deck.Cards))
	if !strings.Contains(flat, squeeze("（续）")) {
		t.Error("no card is marked as continued, yet the shipped deck has answers longer than a card")
	}
}

// squeeze drops white space, which PDF text extraction adds and removes at
// line breaks, and undoes the ligatures it may report.
func squeeze(s string) string {
	s = strings.NewReplacer("ﬁ", "fi", "ﬂ", "fl", "ﬀ", "ff").Replace(s)
	return strings.Join(strings.Fields(s), "")
}

// textPieces returns the runs of text of rendered HTML, each line of code
// separately and formulas left out, squeezed.
func textPieces(t *testing.T, h string) []string {
	t.Helper()
	nodes, err := xhtml.ParseFragment(strings.NewReader(h), &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var cur strings.Builder
	flush := func() {
		if s := squeeze(cur.String()); len([]rune(s)) >= 2 {
			out = append(out, s)
		}
		cur.Reset()
	}
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		switch n.Type {
		case xhtml.TextNode:
			for i, line := range strings.Split(n.Data, "\n") {
				if i > 0 {
					flush()
				}
				cur.WriteString(line)
			}
			return
		case xhtml.ElementNode:
			for _, a := range n.Attr {
				if a.Key == "class" && strings.Contains(" "+a.Val+" ", " math ") {
					flush()
					return
				}
			}
			switch n.Data {
			case "p", "li", "div", "pre", "td", "th", "tr", "h1", "h2", "h3", "h4", "blockquote", "ul", "ol", "table", "br", "img":
				flush()
				defer flush()
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	flush()
	return out
}

// TestShippedStudyPagesAreFull prints the shipped deck in the study layout:
// short cards stay whole, long ones break between blocks, so no page but the
// last is left mostly empty by a card that did not fit under the one before.
// Each page after the title and contents must hold at least 40% of the
// lines of the fullest page.
func TestShippedStudyPagesAreFull(t *testing.T) {
	requireTools(t)
	deck, ds := cards.Load("../../config.toml")
	if deck == nil || ds.Err(false) != nil {
		t.Fatalf("the shipped deck does not load: %v", ds)
	}
	rendered, err := exporters.Render(deck, render.Default())
	if err != nil {
		t.Fatal(err)
	}
	in := &exporters.Input{Deck: deck, Full: deck, Target: cards.FullTarget, HTML: rendered}
	var buf bytes.Buffer
	if err := (pdf.Exporter{Layout: htmlexp.Study}).Export(&buf, in); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "deck.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	pages, _ := info(t, path)
	t.Logf("%d cards on %d pages", len(deck.Cards), pages)
	lines := make([]int, pages+1)
	fullest := 0
	for p := 3; p <= pages; p++ {
		text := run(t, "pdftotext", "-layout", "-enc", "UTF-8", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), path, "-")
		for _, l := range strings.Split(text, "\n") {
			if strings.TrimSpace(l) != "" {
				lines[p]++
			}
		}
		fullest = max(fullest, lines[p])
	}
	for p := 3; p < pages; p++ {
		if lines[p]*10 < fullest*4 {
			t.Errorf("page %d holds %d lines, the fullest page %d: a card left it mostly empty", p, lines[p], fullest)
		}
	}
}
