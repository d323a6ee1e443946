package render

import (
	"regexp"
	"strings"
	"testing"
)

var (
	handlerRE   = regexp.MustCompile(`(?i)<[^>]*\son[a-z]+\s*=`)
	badSchemeRE = regexp.MustCompile(`(?i)(href|src)\s*=\s*["']?\s*(javascript|vbscript|data):`)
	badTagRE    = regexp.MustCompile(`(?i)<\s*(script|iframe|object|embed|style|link|meta|base|form|svg|math)\b`)
)

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
	} {
		f.Add(s)
	}
	r := New()
	f.Fuzz(func(t *testing.T, src string) {
		h, _, err := r.Render(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range []*regexp.Regexp{handlerRE, badSchemeRE, badTagRE} {
			if m := re.FindString(h); m != "" {
				t.Fatalf("unsafe markup %q survived in\n%s", m, h)
			}
		}
	})
}
