package mathml

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		src     string
		err     string // substring of the error; "" for none
		warning string // substring of the one warning; "" for none
	}{
		{`\mu_{\mathcal{B}}`, "", ""},
		{`x_\alpha^\prime`, "", ""},
		{`\frac{a}{b}`, "", ""},
		{`\mu_\mathcal{B}`, "", `{\mathcal{B}}`},
		{`\sigma^2_\mathcal{B}`, "", `{\mathcal{B}}`},
		{`x^\frac{1}{2}`, "", `{\frac{1}{2}}`},
		{`x_\text{max}`, "", `{\text{max}}`},
		{`\frac{s}{2`, "missing }", ""},
		{`\fracc{a}{b}`, `unsupported command \fracc`, ""},
		{`{a`, "missing }", ""},
		{`a}`, "unexpected }", ""},
		{`\href{javascript:alert(1)}{x}`, `\href is not allowed`, ""},
		{`\class{x}{y}`, `\class is not allowed`, ""},
		{`\style{color:red}{y}`, `\style is not allowed`, ""},
		{`\cssId{a}{b}`, `\cssId is not allowed`, ""},
		{`\require{html}`, `\require is not allowed`, ""},
		{`\unicode{x41}`, `\unicode is not allowed`, ""},
		{`\data{a}{b}`, `\data is not allowed`, ""},
		{`x_{\html{b}}`, `\html is not allowed`, ""},
		{`\begin{aligned} a &= b \\ c &= d \end{aligned}`, "", ""},
		{`\color{red}{x} + \textcolor{blue}{y} + \tag{1}`, "", ""},
		{`\color{red}{x} + \fracc{a}{b}`, `unsupported command \fracc`, ""},
		{`\cancel{x} + y`, "", `\cancel needs a LaTeX package`},
		{`\cancel{x + y`, "missing }", ""},
		{`\bm{x}`, "", `write \boldsymbol`},
		{`\argmax_x f(x)`, "", `write \operatorname*{arg\,max}`},
		{`\begin{dcases} a & b \end{dcases}`, "", `dcases is not defined in LaTeX`},
		{`\text{50%}`, "", `write \% for a literal %`},
		{`\text{50\%}`, "", ""},
		{`a # b`, "unexpected #", ""},
		{`5, formula $x + y and `, "a $ inside a formula", ""},
		{`\text{if $x > 0$}`, "", ""},
	}
	for _, c := range cases {
		var warns []string
		var err error
		for _, pr := range Check(c.src, false) {
			if pr.Warning {
				warns = append(warns, pr.Msg)
			} else {
				err = errorf("%s", pr.Msg)
			}
		}
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("Check(%q) error = %v, want one containing %q", c.src, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("Check(%q) error = %v, want none", c.src, err)
		}
		if c.warning == "" && len(warns) > 0 || c.warning != "" && (len(warns) != 1 || !strings.Contains(warns[0], c.warning)) {
			t.Errorf("Check(%q) warnings = %q, want one containing %q", c.src, warns, c.warning)
		}
	}
}

func TestCheckOffset(t *testing.T) {
	src := "a+b\\\\\n\\mu_\\mathcal{B}"
	ps := Check(src, true)
	if len(ps) != 1 || ps[0].Offset != strings.Index(src, `\mathcal`) {
		t.Fatalf("Check(%q) = %+v, want one warning at the \\mathcal", src, ps)
	}
	ps = Check(`\frac{a}{b} + \href{x}{y}`, false)
	if len(ps) != 1 || ps[0].Warning || ps[0].Offset != 14 {
		t.Fatalf("Check(\\href) = %+v, want one error at offset 14", ps)
	}
}

// Check and Convert agree on what is broken: apart from the commands MathJax
// and LaTeX know that Convert prints as TeX (knownCommands), validation
// passes exactly the formulas the HTML exporter can render.
func TestCheckAgreesWithConvert(t *testing.T) {
	for _, src := range []string{`a+b`, `\frac{a}{`, `\mu_\mathcal{B}`, `\left( x`, `\sqrt[3]{x}`, `\operatorname*{arg\,max}_x f`} {
		broken := false
		for _, pr := range Check(src, true) {
			broken = broken || !pr.Warning
		}
		_, verr := Convert(src, true)
		if broken != (verr != nil) {
			t.Errorf("%q: Check broken %v, Convert error %v", src, broken, verr)
		}
	}
}
