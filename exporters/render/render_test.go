package render

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHTML(t *testing.T) {
	r := New()
	tests := []struct {
		name, in, want string
	}{
		{"inline math becomes \\(\\)", `梯度 $\frac{\partial L}{\partial z_i} = p_i - y_i$ 成立`,
			`<p>梯度 <span class="math inline">\(\frac{\partial L}{\partial z_i} = p_i - y_i\)</span> 成立</p>`},
		{"math is not Markdown", `$a_1 * b_2 * c_3$`, `<p><span class="math inline">\(a_1 * b_2 * c_3\)</span></p>`},
		{"math escapes html", `$a<b$`, `<p><span class="math inline">\(a&lt;b\)</span></p>`},
		{"dollar amounts stay text", `costs $5 and $6`, `<p>costs $5 and $6</p>`},
		{"space after opening dollar is not math", `a $ b$`, `<p>a $ b$</p>`},
		{"escaped dollar", `\$x$`, `<p>$x$</p>`},
		{"display math block", "前\n\n$$\n\\hat{x} = \\frac{x-\\mu}{\\sqrt{\\sigma^2+\\epsilon}}\n$$\n\n后",
			"<p>前</p>\n" + `<div class="math display">\[\hat{x} = \frac{x-\mu}{\sqrt{\sigma^2+\epsilon}}\]</div>` + "\n<p>后</p>"},
		{"display block keeps markdown-looking lines", "$$\n- a\n# b\n$$", `<div class="math display">\[- a` + "\n" + `# b\]</div>`},
		{"one-line display block", "$$ E = mc^2 $$", `<div class="math display">\[E = mc^2\]</div>`},
		{"one-line display block ends on its line", "$$ E = mc^2 $$\n后面的文字\n\n下一段", `<div class="math display">\[E = mc^2\]</div>` + "\n<p>后面的文字</p>\n<p>下一段</p>"},
		{"display math inside a paragraph", "见 $$a_1$$ 式", `<p>见 <span class="math display">\[a_1\]</span> 式</p>`},
		{"script removed", "ok<script>alert(1)</script>", `<p>ok</p>`},
		{"handler removed", `<b onclick="x()">b</b>`, `<p><b>b</b></p>`},
		{"javascript url removed", `[x](javascript:alert(1))`, `<p>x</p>`},
		{"table", "|a|b|\n|-|-|\n|1|2|", "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.HTML(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCodeHighlighting(t *testing.T) {
	got, err := New().HTML("```python\nw = bn.weight / torch.sqrt(var + eps)  # fold\n```")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<pre class="hl-chroma">`, `<span class="hl-n">torch</span>`, `<span class="hl-c1"># fold</span>`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
	if strings.Contains(got, "math") {
		t.Errorf("code must not be treated as math: %s", got)
	}
}

func TestCSSHasNightMode(t *testing.T) {
	css := CSS()
	for _, want := range []string{".hl-chroma", ".nightMode .hl-chroma .hl-k", ".night_mode .hl-chroma .hl-k", ".nightMode .hl-chroma, .night_mode .hl-chroma {"} {
		if !strings.Contains(css, want) {
			t.Errorf("CSS lacks %q", want)
		}
	}
}

func TestRewriteImages(t *testing.T) {
	h, _ := New().HTML(`![fig](media/a.png) and <img src="media/b.png">`)
	got := RewriteImages(h, func(src string) string { return "x-" + strings.TrimPrefix(src, "media/") })
	if !strings.Contains(got, `src="x-a.png"`) || !strings.Contains(got, `src="x-b.png"`) {
		t.Errorf("not rewritten: %s", got)
	}
}

func TestRenderReportsStripped(t *testing.T) {
	r := New()
	tests := []struct {
		in   string
		want []string
	}{
		{"plain **bold** $x$ and `code`", nil},
		{"```go\nfmt.Println(1)\n```\n\n- [x] done\n\n|a|\n|:-|\n|1|", nil},
		{`<details><summary>s</summary>x<sub>2</sub></details>`, nil},
		{"ok<script>alert(1)</script>", []string{"<script>"}},
		{`<b onclick="x()">b</b>`, []string{"onclick on <b>"}},
		{`[x](javascript:alert(1))`, []string{"<a>", "href=javascript: on <a>"}},
		{`<iframe src="https://example.com"></iframe>`, []string{"<iframe>", "src=https: on <iframe>"}},
		{`<style>body{display:none}</style>x`, []string{"<style>"}},
		{`<img src="data:text/html;base64,AAAA">`, []string{"<img>", "src=data: on <img>"}},
	}
	for _, tt := range tests {
		_, got, err := r.Render(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.in, diff)
		}
	}
}
