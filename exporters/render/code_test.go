package render

import (
	"path/filepath"
	"strings"
	"testing"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/internal/synth"
	"github.com/google/go-cmp/cmp"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/extension"
	goldhtml "github.com/yuin/goldmark/renderer/html"
)

// libraryRenderer is New as it was with goldmark-highlighting's own
// extension: the reference codeRenderer must match byte for byte.
func libraryRenderer() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			mathExtension{},
			highlighting.NewHighlighting(
				highlighting.WithFormatOptions(chromahtml.WithClasses(true), chromahtml.ClassPrefix(classPrefix)),
				highlighting.WithGuessLanguage(false),
			),
		),
		goldmark.WithRendererOptions(goldhtml.WithUnsafe()),
	)
	return &Renderer{md: md, plain: md, policy: policy()}
}

var codeCases = []string{
	"```python\ndef f(x):\n    return x < 1 and '<b>'\n```",
	"```go\nfunc main() { fmt.Println(\"<script>\") }\n```",
	"```\nplain <i>code</i>\n```",
	"```nosuchlanguage\nx = 1\n```",
	"```python {linenos=true}\nx = 1\ny = 2\n```",
	"```python {hl_lines=[1]}\nx = 1\n```",
	"```c++\nint x;\n```",
	"```py<script>\nx\n```",
	"~~~bash\necho \"$HOME\" && rm -rf /tmp/x\n~~~",
	"```python\n```",
	"- item\n\n  ```js\n  let a = `x ${y}`;\n  ```\n",
	"> ```sql\n> SELECT * FROM t WHERE a < 3;\n> ```",
	"    indented code\n",
	"```PYTHON\nprint('大写')\n```",
	"```python\n# 中文注释 $x$\nprint(\"你好\")\n```\n\n正文 $y$",
	"<script>\n```python\nx\n```\n",
}

func TestCodeRendererMatchesLibrary(t *testing.T) {
	got, want := New(), libraryRenderer()
	check := func(name, src string) {
		t.Helper()
		gh, gs, gerr := got.Render(src)
		wh, ws, werr := want.Render(src)
		if d := cmp.Diff(wh, gh); d != "" || gerr != werr {
			t.Fatalf("%s: HTML differs (-library +ours):\n%s", name, d)
		}
		if d := cmp.Diff(ws, gs); d != "" {
			t.Fatalf("%s: stripped differs (-library +ours):\n%s", name, d)
		}
	}
	for _, src := range codeCases {
		check(src, src)
	}
	dir := t.TempDir()
	if err := synth.Write(dir, 500, 7); err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []string{"../../config.toml", filepath.Join(dir, "config.toml")} {
		deck, ds := cards.Load(cfg)
		if deck == nil {
			t.Fatal(ds)
		}
		for _, c := range deck.Cards {
			check(c.ID+" question", c.Question)
			check(c.ID+" answer", c.Answer)
			check(c.ID+" extra", c.Extra)
		}
	}
}

func TestCodeRendererConcurrent(t *testing.T) {
	r := New()
	want, _, _ := r.Render(codeCases[0])
	done := make(chan string)
	for range 8 {
		go func() {
			h, _, _ := r.Render(codeCases[0])
			done <- h
		}()
	}
	for range 8 {
		if h := <-done; h != want {
			t.Fatalf("concurrent render differs:\n%s\n%s", h, want)
		}
	}
}

func FuzzCodeRenderer(f *testing.F) {
	for _, s := range codeCases {
		f.Add(s)
	}
	got, want := New(), libraryRenderer()
	f.Fuzz(func(t *testing.T, src string) {
		gh, gs, _ := got.Render(src)
		wh, ws, _ := want.Render(src)
		if gh != wh || !cmp.Equal(gs, ws) {
			t.Fatalf("differs from the library for %q:\n%s\n%s", src, gh, wh)
		}
	})
}

// A block highlighted once is served from the memo, with the same HTML as
// a renderer whose memo holds nothing.
func TestCodeMemo(t *testing.T) {
	memo, none := New(), New()
	none.LimitCodeMemo(0)
	count := func(r *Renderer) (n int) {
		r.code.memo.Range(func(any, any) bool { n++; return true })
		return n
	}
	for round := range 2 {
		for _, c := range highlightCases {
			src := "text\n\n```" + c.lang + "\n" + c.code + "```\n"
			got, err := memo.HTML(src)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := none.HTML(src)
			if got != want || !strings.Contains(got, `class="`+classPrefix) {
				t.Fatalf("round %d, %s: memo gives\n%s\nwant\n%s", round, c.lang, got, want)
			}
		}
		if n := count(memo); n != len(highlightCases) {
			t.Fatalf("round %d: memo holds %d blocks, want %d", round, n, len(highlightCases))
		}
	}
	if n := count(none); n != 0 {
		t.Fatalf("a memo of 0 bytes holds %d blocks", n)
	}
}
