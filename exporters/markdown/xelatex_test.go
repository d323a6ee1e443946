package markdown_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/markdown"
	"github.com/cardgen/cardgen/exporters/render"
)

const xelatexInstall = "apt-get install texlive-xetex texlive-lang-chinese texlive-latex-recommended texlive-fonts-recommended lmodern fonts-noto-cjk"

// TestShippedDeckXeLaTeX prints the deck of this repository to PDF the way
// docs/markdown.md tells readers to: pandoc with xelatex. LaTeX rejects TeX
// that MathJax forgives (an unbraced \mu_\mathcal{B}), so this is the check
// that every formula of the shipped deck typesets outside Anki too.
func TestShippedDeckXeLaTeX(t *testing.T) {
	pandoc := lookPandoc(t)
	if _, err := exec.LookPath("xelatex"); err != nil {
		if os.Getenv("CARDGEN_REQUIRE_TOOLS") == "1" {
			t.Fatalf("xelatex is required (CARDGEN_REQUIRE_TOOLS=1) but not found: %v", err)
		}
		t.Skip("xelatex not found; install it (Debian: " + xelatexInstall + ") to run this test")
	}
	deck, ds := cards.Load(filepath.Join("..", "..", "config.toml"))
	if deck == nil {
		t.Fatalf("the shipped deck does not load: %v", ds)
	}
	rendered, err := exporters.Render(deck, render.Default())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, l := range []markdown.Layout{markdown.Study, markdown.Quiz} {
		e := markdown.Exporter{Layout: l}
		t.Run(e.Format(), func(t *testing.T) {
			var b bytes.Buffer
			if err := e.Export(&b, &exporters.Input{Deck: deck, Full: deck, Target: cards.FullTarget, HTML: rendered}); err != nil {
				t.Fatal(err)
			}
			md := filepath.Join(dir, "deck"+e.Extension())
			if err := os.WriteFile(md, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			pdf := filepath.Join(dir, e.Format()+".pdf")
			cmd := exec.Command(pandoc, md, "-o", pdf, "--pdf-engine=xelatex")
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("pandoc --pdf-engine=xelatex: %v\n%s", err, out)
			}
			data, err := os.ReadFile(pdf)
			if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
				t.Fatalf("no PDF written: %v", err)
			}
			if _, err := exec.LookPath("pdftotext"); err != nil {
				return
			}
			text, err := exec.Command("pdftotext", pdf, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			// The text layer holds the Chinese of the cards, not boxes or gaps.
			for _, want := range []string{"目标检测", "空洞卷积", "ROIAlign"} {
				if !strings.Contains(strings.Join(strings.Fields(string(text)), ""), want) {
					t.Errorf("the PDF's text has no %q", want)
				}
			}
		})
	}
}
