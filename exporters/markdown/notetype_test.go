package markdown_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cardgen/cardgen/internal/decktest"
)

// A card of a declared note type reads as a question (its first field, or
// its cloze field with the deletions hidden) and an answer made of its
// other non-empty fields, each under its name in bold.
func TestDeclaredNoteTypesRead(t *testing.T) {
	cfg := decktest.CopyNoteTypesDeck(t)
	_, dist := buildDeck(t, cfg, time.Unix(1780000000, 0))
	data, err := os.ReadFile(filepath.Join(dist, "nt-test.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, body := frontMatter(t, string(data))
	p := renderPage(t, body)
	var titles []string
	for _, h := range p.headings {
		if h.level == 2 {
			titles = append(titles, h.text)
		}
	}
	want := []string{"1. 猫", "2. 犬", "3. […] 用[…]取样,", "4. NMS 做什么?"}
	for i, w := range want {
		if i >= len(titles) || !strings.HasPrefix(titles[i], w) {
			t.Fatalf("card headings = %q, want prefixes %q", titles, want)
		}
	}
	for _, frag := range []string{
		"<p><strong>Reading</strong></p>\n<p>ねこ</p>\n<p><strong>Meaning</strong></p>\n<p>cat, as in <code>neko</code></p>",
		"<p><strong>ROIAlign</strong> 用<strong>双线性插值</strong>取样,",
		"<p><strong>Back Extra</strong></p>",
	} {
		if !strings.Contains(p.html, frag) {
			t.Errorf("document lacks %q:\n%s", frag, p.html)
		}
	}
	// inu has no Meaning: no empty section for it.
	if strings.Count(p.html, "<strong>Meaning</strong>") != 1 {
		t.Errorf("an empty field got a section")
	}
}
