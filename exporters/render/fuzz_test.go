package render

import (
	"slices"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

// unsafeMarkup returns the first element or attribute of h that could run
// code, as a browser's tokenizer reads h, or "" when there is none. Text is
// not markup: "href=javascript:" written in a sentence is harmless.
func unsafeMarkup(h string) string {
	z := xhtml.NewTokenizer(strings.NewReader(h))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return ""
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			tok := z.Token()
			if slices.Contains([]string{"script", "iframe", "object", "embed", "style", "link", "meta", "base", "form", "svg", "math"}, tok.Data) {
				return "<" + tok.Data + ">"
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(a.Key, "on") {
					return a.Key + " on <" + tok.Data + ">"
				}
				if a.Key == "href" || a.Key == "src" || a.Key == "action" || a.Key == "formaction" {
					// Browsers drop whitespace and control characters inside a scheme.
					v := strings.Map(func(r rune) rune {
						if r <= ' ' {
							return -1
						}
						return r
					}, strings.ToLower(a.Val))
					for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
						if strings.HasPrefix(v, scheme) {
							return a.Key + "=" + a.Val + " on <" + tok.Data + ">"
						}
					}
				}
			}
		}
	}
}

func TestUnsafeMarkup(t *testing.T) {
	for h, want := range map[string]bool{
		"<p>href=javascript:alert(1) and &lt;script&gt;</p>": false,
		`<a href="https://example.com" class="x">a</a>`:      false,
		"<script>x</script>":                                 true,
		"<IMG SRC=x OnError=alert(1)>":                       true,
		`<a href=" java	script:alert(1)">x</a>`:              true,
		`<a href="&#106;avascript:x">x</a>`:                  true,
		"<svg><p>":                                           true,
	} {
		if got := unsafeMarkup(h) != ""; got != want {
			t.Errorf("unsafeMarkup(%q) = %q, want unsafe %v", h, unsafeMarkup(h), want)
		}
	}
}

// FuzzHTML checks the Markdown -> HTML -> sanitize path: no panic, and no
// executable markup ever comes out, whatever the input.
func FuzzHTML(f *testing.F) {
	for _, s := range []string{
		"plain **bold** $x_1$ and $$\\frac{a}{b}$$",
		"```python\nprint('<script>')\n```",
		"<script>alert(1)</script><img src=x onerror=alert(1)>",
		"[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) ![z](data:text/html,<script>)",
		"<iframe src=//evil></iframe><object data=x></object><embed src=x><style>*{}</style>",
		"<a href=\"&#106;avascript:alert(1)\">x</a>",
		"$<script>$ $$</div><script>$$",
		strings.Repeat(">", 200) + " deep",
		strings.Repeat("- ", 100) + "x",
		"<details open><summary>s</summary><svg onload=alert(1)></svg></details>",
		"| a | b |\n|:-|-:|\n| <b onmouseover=x>1</b> | 2 |",
		"href=&#106;AvAsCript: in a sentence",
	} {
		f.Add(s)
	}
	r := New()
	f.Fuzz(func(t *testing.T, src string) {
		h, _, err := r.Render(src)
		if err != nil {
			t.Fatal(err)
		}
		if m := unsafeMarkup(h); m != "" {
			t.Fatalf("unsafe markup %s survived in\n%s", m, h)
		}
	})
}
