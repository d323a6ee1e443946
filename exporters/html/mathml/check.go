package mathml

import (
	"slices"
	"strings"
)

// Unsafe lists the MathJax commands that can run script, style the page or
// load extensions. MathJax renders them; a card must never carry them.
var Unsafe = []string{"href", "class", "style", "cssId", "require", "unicode", "data", "html"}

// Problem is one thing Check found in a formula.
type Problem struct {
	Offset  int // byte offset in the formula where it was found
	Msg     string
	Warning bool // true: MathJax renders it but LaTeX rejects it; false: broken
}

// Check parses TeX src as Convert does and reports whether every consumer
// can typeset it. An error (Warning false, at most one) means the formula
// is broken or uses a command outside the supported set: the set is an
// allow-list, so anything unknown is rejected, and the commands of Unsafe
// with a message saying why. Warnings are constructs MathJax accepts but
// LaTeX (pandoc's PDF route) rejects.
func Check(src string, display bool) []Problem {
	if mayBeUnsafe(src) {
		q := &parser{src: src}
		for at, t := q.skip(0), q.next(); t.kind != tokEOF; at, t = q.skip(q.pos), q.next() {
			if t.kind == tokCmd && slices.Contains(Unsafe, t.val) {
				return []Problem{{Offset: at, Msg: `\` + t.val + ` is not allowed in a card: it can run script or change the page in Anki's MathJax (not allowed: \` + strings.Join(Unsafe, `, \`) + ")"}}
			}
		}
	}
	p := &parser{src: src, display: display, check: true}
	if _, err := p.parseTop(); err != nil {
		// A stray $ (one \text{…} does not hold) means the formula was
		// closed somewhere else than its writer meant: say that first.
		q := &parser{src: src}
		for at, t := q.skip(0), q.next(); t.kind != tokEOF; at, t = q.skip(q.pos), q.next() {
			if t.is(tokChar, "$") && at < p.pos {
				return []Problem{{Offset: at, Msg: `a $ inside a formula: the formula runs past where it was meant to end; write \$ for a literal dollar sign`}}
			}
		}
		return []Problem{{Offset: min(p.pos, len(src)), Msg: err.Error()}}
	}
	return p.warns
}

// knownCommand is a command MathJax and LaTeX both know that Convert does
// not render (the HTML export prints such a formula as TeX, with a warning).
type knownCommand struct {
	optional bool // takes an optional [...] argument first
	args     int  // mandatory arguments
	latex    bool // pandoc's LaTeX template defines it
}

var knownCommands = map[string]knownCommand{
	"color": {args: 1, latex: true}, "textcolor": {args: 2, latex: true}, "colorbox": {args: 2, latex: true},
	"tag": {args: 1, latex: true}, "eqref": {args: 1, latex: true}, "ref": {args: 1, latex: true},
	"cancel": {args: 1}, "bcancel": {args: 1}, "xcancel": {args: 1}, "cancelto": {args: 2},
	"ce": {args: 1}, "pu": {args: 1}, "bbox": {optional: true, args: 1},
	"mathclap": {args: 1}, "mathllap": {args: 1}, "mathrlap": {args: 1}, "mathbbm": {args: 1},
}

// missingInLaTeX are names Convert renders but pandoc's LaTeX template does
// not define, with what to write instead.
var missingInLaTeX = map[string]string{
	`\argmax`: `\operatorname*{arg\,max}`, `\argmin`: `\operatorname*{arg\,min}`,
	`\bm`: `\boldsymbol`, `\degree`: `^\circ`, `\infin`: `\infty`,
	`\coloneqq`: `:=`, `\eqqcolon`: `=:`, `\llbracket`: `[\![`, `\rrbracket`: `]\!]`,
	"dcases": `cases with \displaystyle`, "rcases": `\left.\begin{matrix}…\end{matrix}\right\}`,
}

// latexMissing warns when name is in missingInLaTeX; shown is how to name it.
func (p *parser) latexMissing(name, shown string) {
	if alt, ok := missingInLaTeX[name]; ok {
		p.warns = append(p.warns, Problem{Offset: max(0, p.pos-len(shown)), Warning: true,
			Msg: name + " is not defined in LaTeX (pandoc's PDF route); write " + alt})
	}
}

// known reads the arguments of a command of knownCommands and stands for it
// with an empty row, so the rest of the formula is still checked.
func (p *parser) known(name string, k knownCommand) (*node, error) {
	start := p.pos - len(name) - 1
	if k.optional {
		if _, _, err := p.rawBracket(); err != nil {
			return nil, err
		}
	}
	for range k.args {
		if _, err := p.parseArg(); err != nil {
			return nil, err
		}
	}
	if !k.latex {
		p.warns = append(p.warns, Problem{Offset: start, Warning: true,
			Msg: `\` + name + " needs a LaTeX package pandoc's template does not load; the PDF route rejects it"})
	}
	return elem("mrow"), nil
}

// textSpecials warns about # and % in \text{…}: MathJax prints them, but in
// LaTeX # is an error and % comments out the rest of the line, brace included.
func (p *parser) textSpecials(raw string) {
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '\\':
			i++
		case '#', '%':
			p.warns = append(p.warns, Problem{Offset: max(0, p.pos-1-len(raw)+i), Warning: true,
				Msg: "write \\" + string(raw[i]) + " for a literal " + string(raw[i]) + " in text: LaTeX reads a bare one as a macro parameter or a comment"})
		}
	}
}

// mayBeUnsafe reports whether src names a command of Unsafe, or a prefix of
// one (the lexer then decides), so most formulas are not lexed twice.
func mayBeUnsafe(src string) bool {
	return slices.ContainsFunc(Unsafe, func(name string) bool { return strings.Contains(src, `\`+name) })
}
