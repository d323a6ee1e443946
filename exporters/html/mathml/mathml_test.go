package mathml

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

func TestConvertExact(t *testing.T) {
	tests := []struct {
		tex, want string
	}{
		{`x`, `<mi>x</mi>`},
		{`12.5`, `<mn>12.5</mn>`},
		{`x_i^2`, `<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>`},
		{`x^12`, `<mrow><msup><mi>x</mi><mn>1</mn></msup><mn>2</mn></mrow>`},
		{`x^{12}`, `<msup><mi>x</mi><mn>12</mn></msup>`},
		{`f'`, `<msup><mi>f</mi><mo>′</mo></msup>`},
		{`f''^2`, `<msup><mi>f</mi><mrow><mo>″</mo><mn>2</mn></mrow></msup>`},
		{`\frac{a}{b}`, `<mfrac><mi>a</mi><mi>b</mi></mfrac>`},
		{`\frac12`, `<mfrac><mn>1</mn><mn>2</mn></mfrac>`},
		{`\dfrac{a}{b}`, `<mstyle displaystyle="true" scriptlevel="0"><mfrac><mi>a</mi><mi>b</mi></mfrac></mstyle>`},
		{`\tfrac{a}{b}`, `<mstyle displaystyle="false"><mfrac><mi>a</mi><mi>b</mi></mfrac></mstyle>`},
		{`\binom{n}{k}`, `<mrow><mo>(</mo><mfrac linethickness="0"><mi>n</mi><mi>k</mi></mfrac><mo>)</mo></mrow>`},
		{`\sqrt{x}`, `<msqrt><mi>x</mi></msqrt>`},
		{`\sqrt{x+1}`, `<msqrt><mi>x</mi><mo>+</mo><mn>1</mn></msqrt>`},
		{`\sqrt[3]{x}`, `<mroot><mi>x</mi><mn>3</mn></mroot>`},
		{`a-b`, `<mrow><mi>a</mi><mo>−</mo><mi>b</mi></mrow>`},
		{`a=-b`, `<mrow><mi>a</mi><mo>=</mo><mo form="prefix">−</mo><mi>b</mi></mrow>`},
		{`(a)-b`, `<mrow><mo stretchy="false">(</mo><mi>a</mi><mo stretchy="false">)</mo><mo>−</mo><mi>b</mi></mrow>`},
		{`\alpha\Gamma`, `<mrow><mi>α</mi><mi mathvariant="normal">Γ</mi></mrow>`},
		{`\partial\nabla\infty`, `<mrow><mi>∂</mi><mi mathvariant="normal">∇</mi><mi>∞</mi></mrow>`},
		{`a\le b\cdot c`, `<mrow><mi>a</mi><mo>≤</mo><mi>b</mi><mo>⋅</mo><mi>c</mi></mrow>`},
		{`\hat{x}`, `<mover accent="true"><mi>x</mi><mo stretchy="false">^</mo></mover>`},
		{`\bar x`, `<mover accent="true"><mi>x</mi><mo stretchy="false">¯</mo></mover>`},
		{`\vec{v}`, `<mover accent="true"><mi>v</mi><mo stretchy="false">→</mo></mover>`},
		{`\overline{AB}`, `<mover accent="true"><mrow><mi>A</mi><mi>B</mi></mrow><mo stretchy="true">‾</mo></mover>`},
		{`\mathbb{R}`, `<mi>ℝ</mi>`},
		{`\mathbb{E}`, `<mi>𝔼</mi>`},
		{`\mathbf{x}`, `<mi>𝐱</mi>`},
		{`\mathcal{L}`, `<mi>ℒ</mi>`},
		{`\mathrm{d}x`, `<mrow><mi mathvariant="normal">d</mi><mi>x</mi></mrow>`},
		{`\mathrm{ReLU}`, `<mi>ReLU</mi>`},
		{`\text{if } x`, "<mrow><mtext>if\u00a0</mtext><mi>x</mi></mrow>"},
		{`\operatorname{Var}(w)`, `<mrow><mi>Var</mi><mo>⁡</mo><mo stretchy="false">(</mo><mi>w</mi><mo stretchy="false">)</mo></mrow>`},
		{`\log x`, `<mrow><mi>log</mi><mo>⁡</mo><mspace width="0.1667em"/><mi>x</mi></mrow>`},
		{`\sin^2 x`, `<mrow><msup><mi>sin</mi><mn>2</mn></msup><mo>⁡</mo><mspace width="0.1667em"/><mi>x</mi></mrow>`},
		{`\sum_{i=1}^n i`, `<mrow><msubsup><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></msubsup><mi>i</mi></mrow>`},
		{`\sum\limits_i i`, `<mrow><munder><mo>∑</mo><mi>i</mi></munder><mi>i</mi></mrow>`},
		{`\int_0^1`, `<msubsup><mo>∫</mo><mn>0</mn><mn>1</mn></msubsup>`},
		{`\left(x\right)`, `<mrow><mo fence="true" form="prefix" stretchy="true" symmetric="true">(</mo><mrow><mi>x</mi></mrow><mo fence="true" form="postfix" stretchy="true" symmetric="true">)</mo></mrow>`},
		{`\left.x\right|`, `<mrow><mrow><mi>x</mi></mrow><mo fence="true" form="postfix" stretchy="true" symmetric="true">|</mo></mrow>`},
		{`\big(`, `<mo stretchy="true" symmetric="true" minsize="1.2em" maxsize="1.2em">(</mo>`},
		{`a\,b`, `<mrow><mi>a</mi><mspace width="0.1667em"/><mi>b</mi></mrow>`},
		{`\not=`, `<mo>≠</mo>`},
		{`a<b`, `<mrow><mi>a</mi><mo>&lt;</mo><mi>b</mi></mrow>`},
		{`x % comment`, `<mi>x</mi>`},
		{`梯度`, `<mtext>梯度</mtext>`},
		{``, `<mrow/>`},
		{`\begin{matrix}a&b\end{matrix}`, `<mtable><mtr><mtd><mi>a</mi></mtd><mtd><mi>b</mi></mtd></mtr></mtable>`},
	}
	for _, tt := range tests {
		got, err := Convert(tt.tex, false)
		if err != nil {
			t.Errorf("Convert(%q): %v", tt.tex, err)
			continue
		}
		want := "<math>" + tt.want + "</math>"
		if got != want {
			t.Errorf("Convert(%q)\n got %s\nwant %s", tt.tex, got, want)
		}
	}
}

func TestConvertDisplay(t *testing.T) {
	tests := []struct {
		tex  string
		want []string // substrings, in order
	}{
		{`\sum_{i=1}^{n} x_i`, []string{`<math display="block">`, `<munderover><mo>∑</mo>`}},
		{`\lim_{x\to 0} f`, []string{`<munder><mi>lim</mi>`, `<mo>→</mo>`}},
		{`\frac{\sum_i a}{b}`, []string{`<msub><mo>∑</mo>`}}, // numerators are in text style
		{`\int_0^1 f`, []string{`<msubsup><mo>∫</mo>`}},
		{`\max_i x`, []string{`<munder><mi>max</mi><mi>i</mi></munder>`}},
		{`\underbrace{a+b}_{n}`, []string{`<munder><munder><mrow><mi>a</mi><mo>+</mo><mi>b</mi></mrow><mo stretchy="true">⏟</mo></munder><mi>n</mi></munder>`}},
		{`\begin{bmatrix}1&0\\0&1\end{bmatrix}`, []string{`<mo fence="true" stretchy="true" symmetric="true">[</mo><mtable>`, `<mtr><mtd><mn>1</mn></mtd><mtd><mn>0</mn></mtd></mtr><mtr>`, `</mtable><mo fence="true" stretchy="true" symmetric="true">]</mo>`}},
		{`\begin{pmatrix}a\\b\end{pmatrix}`, []string{`>(</mo>`, `>)</mo>`}},
		{`\begin{vmatrix}a\end{vmatrix}`, []string{`>|</mo>`}},
		{`f=\begin{cases}1 & x>0\\0 & \text{otherwise}\end{cases}`, []string{`>{</mo><mtable>`, `columnalign="left"`, `<mtext>otherwise</mtext>`}},
		{`\begin{aligned}a&=b\\&=c\end{aligned}`, []string{`<mtable displaystyle="true">`, `columnalign="right"`, `<mi></mi><mo>=</mo><mi>b</mi>`, `<mi></mi><mo>=</mo><mi>c</mi>`}},
		{`\begin{aligned}a&=b\\\end{aligned}`, []string{`<mtable displaystyle="true"><mtr>`, `</mtr></mtable>`}},
		{`\begin{array}{l|cr}a&b&c\end{array}`, []string{`<mtd columnalign="left" style="text-align:-webkit-left"><mi>a</mi>`, `<mtd><mi>b</mi>`, `<mtd columnalign="right" style="text-align:-webkit-right"><mi>c</mi>`}},
		{`a\\b`, []string{`<mtable displaystyle="true"><mtr><mtd><mi>a</mi></mtd></mtr><mtr><mtd><mi>b</mi></mtd></mtr></mtable>`}},
		{`\displaystyle\sum_i`, []string{`<mstyle displaystyle="true" scriptlevel="0">`}},
		{`\operatorname*{arg\,max}_x f`, []string{`<munder><mrow><mi>arg</mi><mspace width="0.1667em"/><mi>max</mi></mrow><mi>x</mi></munder>`}},
		{`\boldsymbol{\theta}`, []string{`<mi style="font-weight:bold">θ</mi>`}},
		{`\mathbf{W}_l`, []string{`<msub><mi>𝐖</mi><mi>l</mi></msub>`}},
		{`\xrightarrow{f}`, []string{`<mover><mo stretchy="true" minsize="2em">→</mo><mi>f</mi></mover>`}},
		{`\text{a $x^2$ b}`, []string{"<mtext>a\u00a0</mtext><msup><mi>x</mi><mn>2</mn></msup><mtext>\u00a0b</mtext>"}},
		{`\left\{x\middle|x>0\right\}`, []string{`form="prefix" stretchy="true" symmetric="true">{</mo>`, `<mo stretchy="true" symmetric="true">|</mo>`, `>}</mo>`}},
		{`\hspace{1em}\mkern18mu`, []string{`<mspace width="1em"/><mspace width="1em"/>`}},
	}
	for _, tt := range tests {
		got, err := Convert(tt.tex, true)
		if err != nil {
			t.Errorf("Convert(%q): %v", tt.tex, err)
			continue
		}
		rest := got
		for _, w := range tt.want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Errorf("Convert(%q) = %s\nmissing (in order) %s", tt.tex, got, w)
				break
			}
			rest = rest[i+len(w):]
		}
	}
}

func TestConvertErrors(t *testing.T) {
	tests := []struct{ tex, want string }{
		{`\color{red}{x}`, `unsupported command \color`},
		{`\frac{a}`, `missing argument`},
		{`{a`, `missing }`},
		{`a}`, `unexpected }`},
		{`x^a^b`, `double superscript`},
		{`x_a_b`, `double subscript`},
		{`\left(x`, `\left without \right`},
		{`x\right)`, `\right without \left`},
		{`\left\foo x\right)`, `unsupported delimiter`},
		{`a&b`, `misplaced &`},
		{`\begin{tikzcd}a\end{tikzcd}`, `unsupported environment {tikzcd}`},
		{`\begin{matrix}a`, `\begin{matrix} without \end{matrix}`},
		{`\begin{matrix}a\end{pmatrix}`, `ended by \end{pmatrix}`},
		{`\text{\textbf{x}}`, `unsupported command \textbf inside \text`},
		{`\begin{array}{p{2cm}}a\end{array}`, `unsupported array column spec`},
		{`\not\foo`, `unsupported negation`},
		{`x\`, `\ at end of formula`},
		{strings.Repeat("{", 100) + "x" + strings.Repeat("}", 100), `nested too deeply`},
		{`\sqrt`, `missing argument`},
		{`a\limits`, `must follow an operator`},
	}
	for _, tt := range tests {
		got, err := Convert(tt.tex, false)
		if err == nil {
			t.Errorf("Convert(%q) = %s, want error %q", tt.tex, got, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Convert(%q) error %q, want it to contain %q", tt.tex, err, tt.want)
		}
	}
}

// TestWellFormed checks that every conversion is well-formed XML, so a
// browser's HTML parser cannot misnest it.
func TestWellFormed(t *testing.T) {
	for _, tex := range []string{
		`\mathbb{E}[\text{ReLU}(y)^2]=\frac{1}{2}\operatorname{Var}(y)`,
		`U\left[-\sqrt{\frac{6}{n_{in}+n_{out} } },\ \sqrt{\frac{6}{n_{in}+n_{out} } }\right]`,
		`\delta_l=(W_{l+1}^\top\delta_{l+1})\odot f'(z_l)`,
		`\bar g=\frac{1}{N}\sum_{k=1}^{N} g_k=\frac{1}{Nb}\sum_{i=1}^{Nb}\nabla_\theta \ell(x_i;\theta)`,
		`\text{<b> \& "q"}<>\&`,
		`\begin{cases}a<b & \text{if } x \\ c & \end{cases}`,
	} {
		for _, display := range []bool{false, true} {
			got, err := Convert(tex, display)
			if err != nil {
				t.Errorf("Convert(%q): %v", tex, err)
				continue
			}
			d := xml.NewDecoder(strings.NewReader(got))
			for {
				_, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Errorf("Convert(%q) is not well-formed: %v\n%s", tex, err, got)
					break
				}
			}
		}
	}
}

func TestStyled(t *testing.T) {
	tests := []struct {
		f    font
		in   rune
		want rune
	}{
		{fontDoubleStruck, 'R', 'ℝ'}, {fontDoubleStruck, 'A', '𝔸'}, {fontDoubleStruck, '1', '𝟙'},
		{fontBold, 'A', '𝐀'}, {fontBold, 'z', '𝐳'}, {fontBold, '0', '𝟎'},
		{fontScript, 'L', 'ℒ'}, {fontScript, 'A', '𝒜'}, {fontFraktur, 'g', '𝔤'},
		{fontItalic, 'h', 'ℎ'}, {fontSansSerif, 'A', '𝖠'}, {fontMonospace, 'a', '𝚊'},
		{fontBoldItalic, 'x', '𝒙'},
	}
	for _, tt := range tests {
		if got, _ := styled(tt.f, tt.in); got != tt.want {
			t.Errorf("styled(%d, %q) = %q, want %q", tt.f, tt.in, got, tt.want)
		}
	}
}
