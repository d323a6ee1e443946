package markdown_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/render"
	"github.com/cardgen/cardgen/internal/decktest"
)

// lookPandoc finds pandoc, or skips the test; with CARDGEN_REQUIRE_TOOLS=1
// (as in CI) a missing pandoc fails instead.
func lookPandoc(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("pandoc")
	if err == nil {
		return path
	}
	if os.Getenv("CARDGEN_REQUIRE_TOOLS") == "1" {
		t.Fatalf("pandoc is required (CARDGEN_REQUIRE_TOOLS=1) but not found: %v", err)
	}
	t.Skip("pandoc not found; install it (Debian: apt-get install pandoc) to run this test")
	return ""
}

// pandoc reads the documents as its own Markdown: every card keeps its
// anchor and every formula reaches MathJax exactly as the cards render alone.
func TestPandocKeepsEveryCardAndFormula(t *testing.T) {
	pandoc := lookPandoc(t)
	d, dist := buildDeck(t, decktest.CopyDeck(t, "testdata/deck"), epoch)
	rendered, err := exporters.Render(d, render.Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layouts {
		t.Run(l.format, func(t *testing.T) {
			cmd := exec.Command(pandoc, "--from=markdown", "--to=html", "--standalone", "--mathjax", filepath.Join(dist, l.file))
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("pandoc: %v\n%s", err, stderrOf(err))
			}
			got := string(out)
			// pandoc's smart quotes turn the title's quotes into curly ones.
			if !strings.Contains(got, `lang="zh-CN"`) || !strings.Contains(got, "<title>Fixture “测试” 题库</title>") {
				t.Errorf("pandoc did not read the metadata block:\n%.600s", got)
			}
			all := formulas(got)
			for _, c := range d.Cards {
				if !strings.Contains(got, `id="`+c.ID+`"`) {
					t.Errorf("card %s has no anchor in pandoc's output", c.ID)
				}
				f := rendered.Get(c.ID)
				for _, m := range formulas(f.Question + f.Answer + f.Extra) {
					if !slices.Contains(all, m) {
						t.Errorf("card %s: formula %q is not math in pandoc's output", c.ID, m)
					}
				}
			}
			if !strings.Contains(got, "# a comment, not a heading") {
				t.Error("code block lost")
			}
		})
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
