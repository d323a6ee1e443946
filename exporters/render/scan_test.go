package render

import (
	"strings"
	"testing"
)

func TestScan(t *testing.T) {
	src := "文字 $a+b$ 和 `code, x` 以及\n\n$$\n\\frac{1}{2}\n$$\n\n```python\nx = (1, 2)\n```\n\n见 https://example.com/a,b 和 [链接](http://x.y/(z)) 结束\n| 表 $c$ | 格 |\n|---|---|\n| $$d$$ | 文 |\n"
	o := Scan(src)
	var texs []string
	for _, f := range o.Formulas {
		texs = append(texs, f.TeX)
		if !strings.HasPrefix(src[f.Offset:], f.TeX) {
			t.Errorf("formula %q: offset %d points at %q", f.TeX, f.Offset, src[f.Offset:min(len(src), f.Offset+10)])
		}
	}
	if got, want := strings.Join(texs, "|"), `a+b|\frac{1}{2}|c|d`; got != want {
		t.Errorf("formulas %q, want %q", got, want)
	}
	var prose strings.Builder
	for _, sp := range o.Prose {
		prose.WriteString(src[sp.Start:sp.End])
		prose.WriteByte('/')
	}
	p := prose.String()
	for _, hidden := range []string{"a+b", "code, x", "x = (1, 2)", "frac", "example.com", "http://x.y"} {
		if strings.Contains(p, hidden) {
			t.Errorf("prose %q holds %q, which is not prose", p, hidden)
		}
	}
	for _, text := range []string{"文字", "以及", "链接", "结束", "表", "文"} {
		if !strings.Contains(p, text) {
			t.Errorf("prose %q misses %q", p, text)
		}
	}
}
