package render

import (
	"reflect"
	"testing"
)

var formulaSeeds = []string{
	"行内公式 $x^2$ 成立。",
	"price $5 and $6, formula $x + y never closed",
	"两个 $a$ 和 $b$,以及 $$c$$ 行内。",
	"段落\n$$\n\\frac{1}{2}\n$$\n之后 $d$",
	"$$ e = mc^2 $$\n",
	"$$\na\nb $$\n",
	"$$\nnever closed\n",
	"- 列表 $x_1$\n- 第二项 $\\alpha$\n",
	"# 标题 $h$\n\n正文 \\$ 不是公式 $y$",
	"$ not math$ and $math$1 and $ok$.",
	"$$$$ and $$ $$\n",
	"$$\n\n$$\n",
	"  $$\n  indented\n  $$\n",
	"> quote $q$",
	"`code $x$` and $y$",
	"| a | $b$ |\n|---|---|\n",
	"line $a\nb$ across",
	"**粗体** $\\mu_{\\mathcal{B}}$ 和 *斜体* $x$",
	"$$0$$\n000000", // a one-line block ends on its line
	"*     0000$0$", // a list item whose text is indented code
}

func TestFormulasAgreeWithScan(t *testing.T) {
	for _, src := range formulaSeeds {
		if got, want := Formulas(src), Scan(src).Formulas; !reflect.DeepEqual(got, want) {
			t.Errorf("Formulas(%q) = %+v, Scan finds %+v", src, got, want)
		}
	}
}

// FuzzFormulas checks the scan's shortcut against goldmark's parse.
func FuzzFormulas(f *testing.F) {
	for _, s := range formulaSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		fs, ok := scanFormulas(src)
		if !ok {
			return
		}
		if want := Scan(src).Formulas; !reflect.DeepEqual(fs, want) {
			t.Errorf("scan of %q = %+v, Scan finds %+v", src, fs, want)
		}
	})
}
