package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/yuin/goldmark"
	xhtml "golang.org/x/net/html"
)

// kitchenSink is every Markdown construct the renderer knows, none of
// which should cost a render in validation.
var kitchenSink = []string{
	"# h1\n## h2\n### h3\n#### h4\n##### h5\n###### h6",
	"Setext 1\n===\n\nSetext 2\n---",
	"*em* **strong** ***both*** ~~del~~ `code` a  \nhard break\\\nagain",
	"> quote\n>\n> > nested\n\n---\n\n***",
	"- a\n- b\n  - c\n\n+ d\n* e\n\n1. one\n1. two\n\n1) x",
	"| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |",
	"行内 $\\frac{a}{b}$ 与 $$x^2$$\n\n$$\n\\sum_i x_i\n$$",
	"```python\ndef f(x):\n    return x * 2  # 注释\n```\n\n~~~go\nfunc main() {}\n~~~\n\n```\nplain\n```\n\n```nosuchlang\nx\n```\n\n    indented",
	"价格 $5 和 $6,转义 \\$x$ 与 &amp; &copy; \\* \\_",
	"{{c1::完形}} 填空 {{c2::提示::hint}}",
	"期望 $\\mathbb{E}[x^2]$ 与 [方括号] 和 [a][b]\n\n- [ ] 待办\n- [x] 完成",
}

func TestKitchenSinkNeedsNoRender(t *testing.T) {
	r := New()
	for _, src := range kitchenSink {
		if mayStrip(src) {
			t.Errorf("mayStrip(%q) = true; this Markdown renders to kept markup only", src)
		}
		if _, stripped, _ := r.Render(src); len(stripped) > 0 {
			t.Errorf("Render(%q) stripped %v", src, stripped)
		}
		if d := sanitizerChanges(t, r, src); d != "" {
			t.Errorf("sanitizing %q changes its HTML:\n%s", src, d)
		}
		if full, plain := convert(t, r.md, src), convert(t, r.plain, src); full != plain {
			t.Errorf("autolinks change the HTML of %q:\n%s", src, cmp.Diff(full, plain))
		}
	}
}

// sanitizerChanges renders src without the sanitizer and reports how
// sanitizing that HTML would change its elements, attributes and text
// (entities and spaces in style values may be spelled differently).
func sanitizerChanges(t testing.TB, r *Renderer, src string) string {
	t.Helper()
	raw := convert(t, r.md, src)
	return cmp.Diff(tokens(raw), tokens(r.policy.Sanitize(raw)))
}

// convert renders src with md, without the sanitizer.
func convert(t testing.TB, md goldmark.Markdown, src string) string {
	t.Helper()
	var raw bytes.Buffer
	if err := md.Convert([]byte(src), &raw); err != nil {
		t.Fatal(err)
	}
	return raw.String()
}

// tokens lists the HTML tokens of s with entities decoded, one per line.
func tokens(s string) []string {
	var out []string
	z := xhtml.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return out
		}
		tok := z.Token()
		for i, a := range tok.Attr {
			if a.Key == "style" {
				tok.Attr[i].Val = strings.ReplaceAll(a.Val, " ", "")
			}
		}
		out = append(out, tt.String()+" "+tok.String())
	}
}

func TestStrippedNeedsRender(t *testing.T) {
	r := New()
	for _, src := range []string{
		"ok<script>alert(1)</script>",
		"[ref]\n\n[ref]: javascript:alert(1)",
		"[a][r]\n\n[r]: <javascript:x>",
		"![i][img]\n\n[img]:\n  data:x",
		"[x](javascript:alert(1))",
		"![i](data:image/png;base64,AAAA)",
		"3. three\n4. four",
		"- 1. a\n  2. b\n\n  7. c",
		"ftp://example.com/x",
		"```python {linenos=true}\nx\n```",
		"```c++\nint x;\n```",
		"```py<b>\nx\n```",
		"```\v ",
		"~~~\f\nx\n~~~",
	} {
		if !mayStrip(src) {
			t.Errorf("mayStrip(%q) = false", src)
		}
		_, want, _ := r.Render(src)
		got, _ := r.Stripped(src)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("Stripped(%q) differs from Render:\n%s", src, d)
		}
	}
}

// FuzzStripped checks the promises Stripped and Render rely on: whatever
// mayStrip lets through renders to HTML the sanitizer leaves as it is, and
// to the same HTML without GFM's autolinks.
func FuzzStripped(f *testing.F) {
	for _, s := range append(kitchenSink, codeCases...) {
		f.Add(s)
	}
	r := New()
	f.Fuzz(func(t *testing.T, src string) {
		if mayStrip(src) {
			return
		}
		if d := sanitizerChanges(t, r, src); d != "" {
			t.Fatalf("mayStrip(%q) = false, but sanitizing its HTML changes it:\n%s", src, d)
		}
		if full, plain := convert(t, r.md, src), convert(t, r.plain, src); full != plain {
			t.Fatalf("mayStrip(%q) = false, but autolinks change its HTML:\n%s", src, cmp.Diff(full, plain))
		}
	})
}
