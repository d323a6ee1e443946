package markdown_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/markdown"
	"github.com/cardgen/cardgen/exporters/render"
)

// TestReadersAgreeOnLists exports the shipped deck in every Markdown layout
// and has pandoc read it as its own Markdown and as CommonMark (what GitHub
// reads): both must find the same number of lists. pandoc's own reader does
// not let a list interrupt a paragraph, so a list right under a line of text
// would silently become part of that paragraph.
func TestReadersAgreeOnLists(t *testing.T) {
	pandoc := lookPandoc(t)
	deck, ds := cards.Load("../../config.toml")
	if deck == nil || ds.Err(false) != nil {
		t.Fatalf("the shipped deck does not load: %v", ds)
	}
	rendered, err := exporters.Render(deck, render.Default())
	if err != nil {
		t.Fatal(err)
	}
	in := &exporters.Input{Deck: deck, Full: deck, Target: cards.FullTarget, HTML: rendered}
	for _, l := range []markdown.Layout{markdown.Study, markdown.Quiz, markdown.Details} {
		e := markdown.Exporter{Layout: l}
		t.Run(e.Format(), func(t *testing.T) {
			var doc bytes.Buffer
			if err := e.Export(&doc, in); err != nil {
				t.Fatal(err)
			}
			own := countLists(t, pandoc, "markdown", doc.Bytes())
			common := countLists(t, pandoc, "commonmark_x", doc.Bytes())
			t.Logf("lists: %d (pandoc's Markdown), %d (CommonMark)", own, common)
			if own != common || own == 0 {
				t.Errorf("pandoc's Markdown reader finds %d lists, CommonMark %d", own, common)
			}
		})
	}
}

// countLists reads doc with pandoc's reader from and counts the bullet and
// ordered lists of its JSON AST.
func countLists(t *testing.T, pandoc, from string, doc []byte) int {
	t.Helper()
	cmd := exec.Command(pandoc, "--from="+from, "--to=json")
	cmd.Stdin = bytes.NewReader(doc)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pandoc --from=%s: %v\n%s", from, err, stderrOf(err))
	}
	var ast any
	if err := json.Unmarshal(out, &ast); err != nil {
		t.Fatalf("pandoc's JSON: %v", err)
	}
	n := 0
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if tag, _ := v["t"].(string); tag == "BulletList" || tag == "OrderedList" {
				n++
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(ast)
	return n
}
