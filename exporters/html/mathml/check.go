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
	p := &parser{src: src, display: display}
	for {
		at := p.skip(p.pos)
		t := p.next()
		if t.kind == tokEOF {
			break
		}
		if t.kind == tokCmd && slices.Contains(Unsafe, t.val) {
			return []Problem{{Offset: at, Msg: `\` + t.val + ` is not allowed in a card: it can run script or change the page in Anki's MathJax (not allowed: \` + strings.Join(Unsafe, `, \`) + ")"}}
		}
	}
	p = &parser{src: src, display: display}
	if _, err := p.parseTop(); err != nil {
		return []Problem{{Offset: min(p.pos, len(src)), Msg: err.Error()}}
	}
	return p.warns
}
