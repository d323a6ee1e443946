package ankiimport

import (
	"testing"

	"github.com/cardgen/cardgen/exporters/render"
)

// cardgen's highlighted code carries no language in its HTML; the importer
// finds the language that highlights the code to the same HTML.
func TestCodeLanguageRecovered(t *testing.T) {
	fc := newFieldConverter()
	for _, lang := range []string{"python", "cpp", "bash", "go"} {
		src := "```" + lang + "\nfor x in range(3):\n    print(x)  # \"$5\"\n```"
		h, err := render.Default().HTML(src)
		if err != nil {
			t.Fatal(err)
		}
		out, err := fc.convert(h, func(s string) string { return s })
		if err != nil {
			t.Fatal(err)
		}
		back, _ := render.Default().HTML(out.Markdown)
		if back != h {
			t.Errorf("%s: %q renders differently:\n%s\nwant\n%s", lang, out.Markdown, back, h)
		}
	}
}

func TestFieldConversion(t *testing.T) {
	fc := newFieldConverter()
	for _, tc := range []struct{ in, want string }{
		{`a \(x^2\) b`, `a $x^2$ b`},
		{`\[ \sum_i x_i \]`, "$$\n\\sum_i x_i\n$$"},
		{`see \[E=mc^2\] here`, `see $$E=mc^2$$ here`},
		{`\(a &lt; b\)`, `$a < b$`},
		{`costs $5 and $6`, `costs \$5 and \$6`},
		{`[sound:a b.mp3]`, `[sound:a-b-2a2f41e9.mp3]`},
		{`{{c1::<b>Paris</b>::capital}} is in France`, `{{c1::**Paris**::capital}} is in France`},
		{`<div>one</div><div>two</div>`, "one\n\ntwo"},
		{`x<sub>2</sub> <span style="color:red">red</span>`, `x<sub>2</sub> red`},
		{`<img src="http://example.com/a.png">`, `[image](http://example.com/a.png)`},
		{`<script>alert(1)</script>ok`, `ok`},
	} {
		out, err := fc.convert(tc.in, mediaName)
		if err != nil {
			t.Fatal(err)
		}
		if out.Markdown != tc.want {
			t.Errorf("%q → %q, want %q", tc.in, out.Markdown, tc.want)
		}
	}
}

func TestIDs(t *testing.T) {
	for in, want := range map[string]string{
		"What is IoU?":          "what-is-iou",
		"  Faster R-CNN: RPN  ": "faster-r-cnn-rpn",
		"什么是 IoU?":              "",
		"café":                  "",
		"***":                   "",
		"a very long question that goes on and on and on beyond any sensible length": "a-very-long-question-that-goes-on-and-on-and-on",
	} {
		if got := slugOf(in, 48); got != want {
			t.Errorf("slugOf(%q) = %q, want %q", in, got, want)
		}
	}
	if a, b := hashID("n", "猫"), hashID("n", "猫"); a != b || len(a) != 10 {
		t.Errorf("hashID not stable or not n-<8 hex>: %q %q", a, b)
	}
	if got := mediaName("iou fig.png"); got != "iou-fig-a63112a7.png" {
		t.Errorf("mediaName = %q", got)
	}
	if got := mediaName("_font.woff"); got != "_font.woff" {
		t.Errorf("mediaName = %q", got)
	}
}
