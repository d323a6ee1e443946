package pdf_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/builder"
	"github.com/cardgen/cardgen/exporters"
	htmlexp "github.com/cardgen/cardgen/exporters/html"
	"github.com/cardgen/cardgen/exporters/html/htmltest"
	"github.com/cardgen/cardgen/exporters/pdf"
)

// requireTools skips the test when the browser or poppler's tools are
// missing, or fails it when CARDGEN_REQUIRE_TOOLS=1 (as CI sets it).
func requireTools(t *testing.T) {
	t.Helper()
	var missing []string
	if _, err := pdf.FindBrowser(); err != nil {
		missing = append(missing, "chromium ("+err.Error()+")")
	}
	for _, tool := range []string{"pdfinfo", "pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool+" (poppler-utils)")
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := "missing " + strings.Join(missing, ", ") + "; on Debian: apt-get install chromium fonts-noto-cjk poppler-utils"
	if os.Getenv("CARDGEN_REQUIRE_TOOLS") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// print exports the test deck in layout l and writes the PDF to a file.
func print(t *testing.T, l htmlexp.Layout, paper string) (path string, warnings []string) {
	t.Helper()
	in := htmltest.Input(t, &warnings)
	in.Paper = paper
	var buf bytes.Buffer
	if err := (pdf.Exporter{Layout: l}).Export(&buf, in); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("output is not a PDF: %.20q", buf.Bytes())
	}
	path = filepath.Join(t.TempDir(), "deck.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, warnings
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, ee.Stderr)
		}
		t.Fatalf("%s: %v", name, err)
	}
	return string(out)
}

// info returns the page count and the page size in points of a PDF.
func info(t *testing.T, path string) (pages int, size string) {
	t.Helper()
	out := run(t, "pdfinfo", path)
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo gave no page count:\n%s", out)
	}
	pages, _ = strconv.Atoi(m[1])
	s := regexp.MustCompile(`(?m)^Page size:\s+([\d.]+ x [\d.]+) pts`).FindStringSubmatch(out)
	if s == nil {
		t.Fatalf("pdfinfo gave no page size:\n%s", out)
	}
	return pages, s[1]
}

func TestPrintStudy(t *testing.T) {
	requireTools(t)
	path, warnings := print(t, htmlexp.Study, "")

	pages, size := info(t, path)
	// Title page, contents, and seven cards that need at least one more page.
	if pages < 3 || pages > 6 {
		t.Errorf("%d pages, want 3 to 6", pages)
	}
	if size != "594.96 x 841.92" {
		t.Errorf("page size %s pt, want A4 (594.96 x 841.92)", size)
	}
	text := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
	// Extracted text may break lines or drop spaces between CJK and Latin.
	flat := strings.Join(strings.Fields(text), "")
	for _, q := range append(htmltest.QuestionText, "打印测试", "归一化", "目标检测") {
		if !strings.Contains(flat, strings.Join(strings.Fields(q), "")) {
			t.Errorf("the PDF text lacks %q", q)
		}
	}
	for _, tex := range []string{`\frac`, `\sum`, `\begin`, `\sqrt`} {
		if strings.Contains(text, tex) {
			t.Errorf("the PDF shows raw TeX %s", tex)
		}
	}
	// The formula the converter does not support is printed as its source.
	if !strings.Contains(text, `\color`) {
		t.Error(`the unsupported formula \color is not shown as TeX source`)
	}
	if !regexp.MustCompile(`(?m)^\s*2\s*/\s*\d+\s*$`).MatchString(text) {
		t.Error("no page number such as \"2 / N\" on the contents page")
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], htmltest.UnsupportedID) {
		t.Errorf("warnings %q, want one naming %s", warnings, htmltest.UnsupportedID)
	}

	// Page 1 renders to an image: the file opens in a real PDF reader.
	prefix := filepath.Join(t.TempDir(), "page")
	run(t, "pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-singlefile", path, prefix)
	png, err := os.ReadFile(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 1000 {
		t.Errorf("page 1 did not render to a PNG (%d bytes)", len(png))
	}
}

func TestPrintCardsLetter(t *testing.T) {
	requireTools(t)
	path, _ := print(t, htmlexp.Cards, "letter")
	pages, size := info(t, path)
	// Title page and its blank back, then 7 cards on two sheets, front and back.
	if pages != 6 {
		t.Errorf("%d pages, want 6", pages)
	}
	if size != "612 x 792" {
		t.Errorf("page size %s pt, want Letter (612 x 792)", size)
	}
	// A sheet of fronts shows questions, the sheet after it their answers.
	front := run(t, "pdftotext", "-enc", "UTF-8", "-f", "3", "-l", "3", path, "-")
	back := run(t, "pdftotext", "-enc", "UTF-8", "-f", "4", "-l", "4", path, "-")
	if !strings.Contains(front, "旋转矩形框") || strings.Contains(front, "以 TeX 源码显示") {
		t.Errorf("page 3 should hold the first fronts only:\n%s", front)
	}
	if !strings.Contains(back, "以 TeX 源码显示") || !strings.Contains(back, "仿射变换") {
		t.Errorf("page 4 should hold the backs of page 3:\n%s", back)
	}
}

func TestFormats(t *testing.T) {
	for _, tt := range []struct {
		l         htmlexp.Layout
		format    string
		extension string
	}{
		{htmlexp.Study, "pdf", ".pdf"},
		{htmlexp.Quiz, "pdf-quiz", ".quiz.pdf"},
		{htmlexp.Cards, "pdf-cards", ".cards.pdf"},
	} {
		e := pdf.Exporter{Layout: tt.l}
		if e.Format() != tt.format || e.Extension() != tt.extension {
			t.Errorf("layout %s: format %q extension %q, want %q %q", tt.l.Name(), e.Format(), e.Extension(), tt.format, tt.extension)
		}
	}
}

// TestNoBrowser checks that a missing browser is reported as a format this
// machine cannot write, which the build tells apart from a failure.
func TestNoBrowser(t *testing.T) {
	t.Setenv(pdf.EnvBrowser, filepath.Join(t.TempDir(), "no-such-chrome"))
	var warnings []string
	in := htmltest.Input(t, &warnings)
	var buf bytes.Buffer
	err := (pdf.Exporter{}).Export(&buf, in)
	var ue *exporters.UnavailableError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want an *exporters.UnavailableError", err)
	}
	if !strings.HasPrefix(err.Error(), "pdf: "+pdf.EnvBrowser+"=") {
		t.Errorf("message %q does not name the variable", err)
	}
	if buf.Len() > 0 {
		t.Error("wrote output without a browser")
	}
}

// TestBuildWithoutBrowser runs the whole build: without a browser the other
// formats are still written, and the build fails with the message to act on.
func TestBuildWithoutBrowser(t *testing.T) {
	t.Setenv(pdf.EnvBrowser, filepath.Join(t.TempDir(), "no-such-chrome"))
	cfg := htmltest.Write(t, t.TempDir())
	var stderr bytes.Buffer
	_, err := builder.Run(builder.Options{ConfigPath: cfg, Formats: []string{"html", "pdf", "pdf-cards"}, Stderr: &stderr})
	want := "pdf: " + pdf.EnvBrowser + "="
	if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Count(err.Error(), "pdf") != 1 {
		t.Fatalf("err = %v, want one message starting %q\n%s", err, want, stderr.String())
	}
	dist := filepath.Join(filepath.Dir(cfg), "dist")
	if _, err := os.Stat(filepath.Join(dist, "print-test.html")); err != nil {
		t.Errorf("the html format was not written: %v", err)
	}
	for _, name := range []string{"print-test.pdf", "print-test.cards.pdf"} {
		if _, err := os.Stat(filepath.Join(dist, name)); err == nil {
			t.Errorf("%s was written without a browser", name)
		}
	}
	if !strings.Contains(stderr.String(), "cardgen: warning: ") || !strings.Contains(stderr.String(), htmltest.UnsupportedID) {
		t.Errorf("the build did not pass on the exporter's warning:\n%s", stderr.String())
	}
}
