// Package mathml converts the TeX math of card fields to MathML, which
// browsers render natively: printed decks need neither JavaScript nor network.
//
// It covers the subset flashcards use (see docs/html.md): groups, scripts and
// primes, fractions, roots, Greek and common symbols, large operators with
// limits, accents, math alphabets, \text, \left…\right and the matrix, cases
// and aligned environments. Anything else is an error, so the caller can show
// the TeX source instead of a wrong formula.
package mathml

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Convert returns the <math> element for TeX src, in display (block) or
// inline style, or an error naming the first construct it does not support.
func Convert(src string, display bool) (string, error) {
	p := &parser{src: src, display: display}
	body, err := p.parseTop()
	if err != nil {
		return "", err
	}
	math := elem("math", body)
	if display {
		math.set("display", "block")
	}
	var b strings.Builder
	math.write(&b)
	return b.String(), nil
}

// Error is a construct Convert cannot render.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func errorf(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

type parser struct {
	src     string
	pos     int
	display bool // display style: limits under and over, full-size fractions
	font    font
	depth   int
	// check is set by Check: commands Convert cannot render but MathJax and
	// LaTeX know are read and passed over, and warns collects constructs
	// MathJax renders but LaTeX rejects.
	check bool
	warns []Problem
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 64

func (p *parser) parseTop() (*node, error) {
	rows, err := p.parseRows(func(t token) bool { return false }, false)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, errorf("unexpected %s", t)
	}
	if len(rows) == 1 {
		return rows[0][0], nil
	}
	// Lines broken with \\ outside an environment are centred, as in gathered.
	return table(rows, func(int) string { return "center" }, nil).set("displaystyle", "true"), nil
}

func isAmp(t token) bool     { return t.is(tokChar, "&") }
func isNewline(t token) bool { return t.is(tokCmd, `\`) || t.is(tokCmd, "cr") }

// parseExpr parses atoms until stop, end of input or an error, and returns
// them as one row.
func (p *parser) parseExpr(stop func(token) bool) ([]*node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, errorf("formula nested too deeply")
	}
	var out []*node
	for {
		t := p.peek()
		if t.kind == tokEOF || stop(t) {
			break
		}
		if t.kind == tokCmd {
			switch t.val {
			case "displaystyle", "textstyle", "scriptstyle", "scriptscriptstyle":
				// A style switch applies to the rest of the group.
				p.next()
				save := p.display
				p.display = t.val == "displaystyle"
				rest, err := p.parseExpr(stop)
				p.display = save
				if err != nil {
					return nil, err
				}
				st := elem("mstyle", rest...).set("displaystyle", fmt.Sprint(t.val == "displaystyle"))
				st.set("scriptlevel", map[string]string{"displaystyle": "0", "textstyle": "0", "scriptstyle": "1", "scriptscriptstyle": "2"}[t.val])
				return finishRow(append(out, st)), nil
			case "rm", "bf", "it", "cal", "sf", "tt":
				p.next()
				save := p.font
				p.font = map[string]font{"rm": fontRoman, "bf": fontBold, "it": fontItalic, "cal": fontScript, "sf": fontSansSerif, "tt": fontMonospace}[t.val]
				rest, err := p.parseExpr(stop)
				p.font = save
				if err != nil {
					return nil, err
				}
				return finishRow(append(out, rest...)), nil
			case "hline", "nonumber", "notag", "label":
				p.next()
				if t.val == "label" {
					if _, err := p.rawGroup(); err != nil {
						return nil, err
					}
				}
				continue
			case `\`, "cr":
				return nil, errorf(`misplaced \\ (line breaks need an environment such as aligned)`)
			case "right", "middle":
				return nil, errorf(`\%s without \left`, t.val)
			case "end":
				return nil, errorf(`\end without \begin`)
			case "limits", "nolimits":
				return nil, errorf(`\%s must follow an operator`, t.val)
			}
		}
		if isAmp(t) {
			return nil, errorf("misplaced & (columns need an environment such as aligned or matrix)")
		}
		n, err := p.parseAtom()
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return finishRow(out), nil
}

// finishRow spaces function names as TeX does: a thin space before an
// ordinary argument, none before an opening delimiter or an operator.
//
// It also marks a + or − that starts the row or follows another operator as
// a sign, which MathML would otherwise space as a binary operator.
func finishRow(ns []*node) []*node {
	var out []*node
	for i, n := range ns {
		if n.tag == "mo" && signs[n.text] && i > 0 && ns[i-1].tag == "mo" && !closers[ns[i-1].text] {
			n.set("form", "prefix")
		}
		out = append(out, n)
		if !n.fn {
			continue
		}
		out = append(out, leaf("mo", "\u2061"))
		if i+1 < len(ns) && ns[i+1].tag != "mo" && !ns[i+1].open && ns[i+1].tag != "mspace" {
			out = append(out, elem("mspace").set("width", "0.1667em"))
		}
	}
	return out
}

// parseAtom parses one base with its primes, subscript and superscript.
func (p *parser) parseAtom() (*node, error) {
	var base *node
	if t := p.peek(); !t.is(tokChar, "^") && !t.is(tokChar, "_") && !t.is(tokChar, "'") {
		var err error
		if base, err = p.parsePrimary(); err != nil {
			return nil, err
		}
	}
	var sub, sup *node
	primes := 0
	limits := base != nil && (base.limits && p.display || base.alwaysLimits)
	for {
		t := p.peek()
		switch {
		case t.is(tokChar, "'"):
			if sup != nil {
				return nil, errorf("double superscript (a prime after ^)")
			}
			p.next()
			primes++
			continue
		case t.is(tokChar, "^"), t.is(tokChar, "_"):
			p.next()
			if t.val == "^" && sup != nil || t.val == "_" && sub != nil {
				return nil, errorf("double %s: use braces, e.g. x^{a^b}", map[string]string{"^": "superscript", "_": "subscript"}[t.val])
			}
			arg, err := p.parseScript()
			if err != nil {
				return nil, err
			}
			if t.val == "^" {
				sup = arg
			} else {
				sub = arg
			}
			continue
		case t.is(tokCmd, "limits"), t.is(tokCmd, "nolimits"):
			if base == nil || sub != nil || sup != nil || base.tag != "mo" && !base.fn && !base.limits {
				return nil, errorf(`\%s must follow an operator`, t.val)
			}
			p.next()
			limits = t.val == "limits"
			continue
		}
		break
	}
	if base == nil {
		base = elem("mrow")
	}
	if primes > 0 {
		mark := leaf("mo", strings.Repeat("′", primes))
		if primes <= 4 {
			mark.text = []string{"′", "″", "‴", "⁗"}[primes-1]
		}
		if sup == nil {
			sup = mark
		} else {
			sup = elem("mrow", mark, sup)
		}
	}
	var n *node
	switch {
	case sub == nil && sup == nil:
		return base, nil
	case limits && sup == nil:
		n = elem("munder", base, sub)
	case limits && sub == nil:
		n = elem("mover", base, sup)
	case limits:
		n = elem("munderover", base, sub, sup)
	case sup == nil:
		n = elem("msub", base, sub)
	case sub == nil:
		n = elem("msup", base, sup)
	default:
		n = elem("msubsup", base, sub, sup)
	}
	n.fn = base.fn
	return n, nil
}

// parseScript parses the argument of ^ or _ in script style.
func (p *parser) parseScript() (*node, error) {
	save := p.display
	p.display = false
	defer func() { p.display = save }()
	t, after := p.lex(p.pos)
	n, err := p.parseArg()
	if err == nil && t.kind == tokCmd && p.pos > after {
		// The command read arguments: x_\mathcal{B} works in MathJax, but
		// LaTeX takes only the command as the script and then fails.
		start := after - len(t.val) - 1
		p.warns = append(p.warns, Problem{Offset: start, Warning: true,
			Msg: fmt.Sprintf(`a subscript or superscript that is a command with arguments must be braced, as LaTeX requires: write {%s}`, strings.TrimSpace(p.src[start:p.pos]))})
	}
	return n, err
}

// parseArg parses a mandatory argument: a {group} or a single token, as
// TeX does (x^12 puts only the 1 up).
func (p *parser) parseArg() (*node, error) {
	t := p.peek()
	switch {
	case t.kind == tokEOF:
		return nil, errorf("missing argument at end of formula")
	case t.is(tokChar, "{"):
		n, err := p.parseGroup()
		if err == nil && len(n.children) == 1 {
			n = n.children[0]
		}
		return n, err
	case t.kind == tokChar && (t.val == "}" || t.val == "&" || t.val == "^" || t.val == "_"):
		return nil, errorf("missing argument before %s", t)
	case t.kind == tokChar:
		p.next()
		return p.charNode(t.val, true)
	}
	return p.parsePrimary()
}

// parseGroup parses {…} and returns its content as one node.
func (p *parser) parseGroup() (*node, error) {
	if t := p.next(); !t.is(tokChar, "{") {
		return nil, errorf("expected { but found %s", t)
	}
	ns, err := p.parseExpr(func(t token) bool { return t.is(tokChar, "}") })
	if err != nil {
		return nil, err
	}
	if t := p.next(); !t.is(tokChar, "}") {
		return nil, errorf("missing }")
	}
	return elem("mrow", ns...), nil
}

// parsePrimary parses one base: a character, a group or a command with its arguments.
func (p *parser) parsePrimary() (*node, error) {
	t := p.peek()
	switch t.kind {
	case tokEOF:
		return nil, errorf("unexpected end of formula")
	case tokChar:
		if t.val == "{" {
			return p.parseGroup()
		}
		p.next()
		return p.charNode(t.val, false)
	}
	p.next()
	return p.command(t.val)
}

// charNode turns a character into a token element; unless single, digits
// and upright letters run on into one number or name.
func (p *parser) charNode(c string, single bool) (*node, error) {
	r, _ := utf8.DecodeRuneInString(c)
	switch {
	case c[0] < utf8.RuneSelf && isDigit(c[0]) || c == "." && !single && p.pos < len(p.src) && isDigit(p.src[p.pos]):
		text := c
		for !single && p.pos < len(p.src) {
			ch := p.src[p.pos]
			if isDigit(ch) || ch == '.' && p.pos+1 < len(p.src) && isDigit(p.src[p.pos+1]) {
				text += string(ch)
				p.pos++
				continue
			}
			break
		}
		return leaf("mn", p.restyle(text)), nil
	case c[0] < utf8.RuneSelf && isASCIILetter(c[0]):
		if p.font == fontRoman {
			text := c
			for !single {
				t, end := p.lex(p.pos)
				if t.kind != tokChar || !isASCIILetter(t.val[0]) {
					break
				}
				text += t.val
				p.pos = end
			}
			n := leaf("mi", text)
			if len(text) == 1 {
				n.set("mathvariant", "normal")
			}
			return n, nil
		}
		return leaf("mi", p.restyle(c)), nil
	case isCJK(r):
		text := c
		for !single {
			t, end := p.lex(p.pos)
			if t.kind != tokChar || !isCJK([]rune(t.val)[0]) {
				break
			}
			text += t.val
			p.pos = end
		}
		return leaf("mtext", text), nil
	}
	switch c {
	case "+", "=", "<", ">", ",", ";", ":", "!", "?", "/", "@":
		return leaf("mo", c), nil
	case "-":
		return leaf("mo", "−"), nil
	case "*":
		return leaf("mo", "∗"), nil
	case ".":
		return leaf("mo", "."), nil
	case "(", "[":
		n := leaf("mo", c).set("stretchy", "false")
		n.open = true
		return n, nil
	case ")", "]", "|":
		return leaf("mo", c).set("stretchy", "false"), nil
	case "'":
		return leaf("mo", "′"), nil
	case "~":
		return elem("mspace").set("width", "0.25em"), nil
	case "}":
		return nil, errorf("unexpected }")
	case "&":
		return nil, errorf("misplaced &")
	case "#", "$", `"`, "^", "_", "\\":
		return nil, errorf("unexpected %s", c)
	}
	switch {
	case unicode.IsLetter(r):
		return leaf("mi", c), nil
	case unicode.IsDigit(r):
		return leaf("mn", c), nil
	case unicode.IsSpace(r), unicode.IsControl(r):
		return elem("mrow"), nil
	}
	return leaf("mo", c), nil
}

// restyle spells letters and digits in the current math alphabet.
func (p *parser) restyle(s string) string {
	if p.font == fontDefault || p.font == fontRoman {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		r, _ = styled(p.font, r)
		b.WriteRune(r)
	}
	return b.String()
}

var (
	signs   = map[string]bool{"+": true, "−": true, "±": true, "∓": true}
	closers = map[string]bool{")": true, "]": true, "}": true, "|": true, "‖": true, "⟩": true, "⌋": true, "⌉": true, "!": true, "′": true}
)

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFFEF
}

// command parses \name and its arguments.
func (p *parser) command(name string) (*node, error) {
	if p.check {
		p.latexMissing(`\`+name, `\`+name)
	}
	switch name {
	case "frac", "dfrac", "tfrac", "cfrac", "binom", "dbinom", "tbinom":
		return p.fraction(name)
	case "sqrt":
		return p.sqrt()
	case "left":
		return p.leftRight()
	case "begin":
		return p.environment()
	case "text", "textrm", "textup", "textnormal", "mbox", "hbox", "textit", "textbf", "texttt", "textsf", "emph":
		raw, err := p.rawGroup()
		if err != nil {
			return nil, err
		}
		if p.check {
			p.textSpecials(raw)
		}
		return p.text(raw, name)
	case "operatorname":
		limits := false
		if p.pos < len(p.src) && p.src[p.pos] == '*' {
			p.pos++
			limits = true
		}
		save := p.font
		p.font = fontRoman
		arg, err := p.parseArg()
		p.font = save
		if err != nil {
			return nil, err
		}
		if arg.tag == "mrow" && len(arg.children) == 1 {
			arg = arg.children[0]
		}
		arg.fn, arg.limits = true, limits
		return arg, nil
	case "mathop":
		arg, err := p.parseArg()
		if err != nil {
			return nil, err
		}
		arg.limits = true
		return arg, nil
	case "mathnormal":
		save := p.font
		p.font = fontDefault
		defer func() { p.font = save }()
		return p.parseArg()
	case "overset", "stackrel", "underset":
		save := p.display
		p.display = false
		mark, err := p.parseArg()
		p.display = save
		if err != nil {
			return nil, err
		}
		base, err := p.parseArg()
		if err != nil {
			return nil, err
		}
		if name == "underset" {
			return elem("munder", base, mark), nil
		}
		return elem("mover", base, mark), nil
	case "xrightarrow", "xleftarrow":
		below, hasBelow, err := p.rawBracket()
		if err != nil {
			return nil, err
		}
		save := p.display
		p.display = false
		defer func() { p.display = save }()
		above, err := p.parseArg()
		if err != nil {
			return nil, err
		}
		arrow := leaf("mo", map[string]string{"xrightarrow": "→", "xleftarrow": "←"}[name]).set("stretchy", "true").set("minsize", "2em")
		if hasBelow {
			sub := &parser{src: below, font: p.font, depth: p.depth}
			under, err := sub.parseTop()
			if err != nil {
				return nil, err
			}
			return elem("munderover", arrow, under, above), nil
		}
		return elem("mover", arrow, above), nil
	case "not":
		t := p.next()
		key := t.val
		if t.kind == tokCmd && (t.val == "in" || operators[t.val] != "") || t.kind == tokChar {
			if s, ok := negations[key]; ok {
				return leaf("mo", s), nil
			}
		}
		return nil, errorf(`unsupported negation \not%s`, t)
	case "pmod":
		arg, err := p.parseArg()
		if err != nil {
			return nil, err
		}
		return elem("mrow", elem("mspace").set("width", "0.4444em"), leaf("mo", "(").set("stretchy", "false"),
			leaf("mi", "mod"), elem("mspace").set("width", "0.3333em"), arg, leaf("mo", ")").set("stretchy", "false")), nil
	case "bmod":
		return leaf("mo", "mod"), nil
	case "mod":
		return elem("mrow", elem("mspace").set("width", "0.6667em"), leaf("mi", "mod"), elem("mspace").set("width", "0.3333em")), nil
	case "boxed", "fbox":
		arg, err := p.parseArg()
		if err != nil {
			return nil, err
		}
		return elem("mrow", arg).set("style", "border:1px solid;padding:0.2em 0.3em"), nil
	case "phantom", "hphantom", "vphantom":
		arg, err := p.parseArg()
		if err != nil {
			return nil, err
		}
		return elem("mphantom", arg), nil
	case "mathstrut", "strut":
		return elem("mphantom", leaf("mo", "(").set("stretchy", "false")), nil
	case "substack":
		if t := p.next(); !t.is(tokChar, "{") {
			return nil, errorf(`\substack needs {…}`)
		}
		rows, err := p.parseRows(func(t token) bool { return t.is(tokChar, "}") }, false)
		if err != nil {
			return nil, err
		}
		if t := p.next(); !t.is(tokChar, "}") {
			return nil, errorf(`missing } after \substack`)
		}
		return table(rows, func(int) string { return "center" }, nil), nil
	case "hspace", "kern", "mkern", "mskip", "hskip":
		return p.space(name)
	case "nabla":
		return leaf("mi", "∇").set("mathvariant", "normal"), nil
	}
	if r, ok := greek[name]; ok {
		n := leaf("mi", string(r))
		upper := unicode.IsUpper(r)
		switch {
		case p.font == fontBold || p.font == fontBoldItalic:
			n.set("style", "font-weight:bold")
			if upper || p.font == fontBold {
				n.set("mathvariant", "normal")
			}
		case upper && p.font != fontItalic, p.font == fontRoman:
			n.set("mathvariant", "normal")
		}
		return n, nil
	}
	if s, ok := ordinary[name]; ok {
		return leaf("mi", s), nil
	}
	if s, ok := operators[name]; ok {
		return leaf("mo", s), nil
	}
	if s, ok := delimiters[`\`+name]; ok {
		n := leaf("mo", s).set("stretchy", "false")
		n.open = openers[s]
		return n, nil
	}
	if e, ok := escapes[name]; ok {
		return leaf(e.tag, e.text), nil
	}
	if op, ok := bigOperators[name]; ok {
		n := leaf("mo", op.text)
		n.limits = op.limits
		return n, nil
	}
	if limits, ok := functions[name]; ok {
		text := name
		if t, ok := functionText[name]; ok {
			text = t
		}
		n := leaf("mi", text)
		n.fn, n.limits = true, limits
		return n, nil
	}
	if w, ok := spaces[name]; ok {
		return elem("mspace").set("width", w), nil
	}
	if a, ok := accents[name]; ok {
		return p.accent(name, a.mark, a.stretch, a.under)
	}
	if f, ok := fontCommands[name]; ok {
		save := p.font
		p.font = f
		defer func() { p.font = save }()
		return p.parseArg()
	}
	if size, ok := bigSizes[name]; ok {
		d, err := p.delimiter(name)
		if err != nil {
			return nil, err
		}
		n := leaf("mo", d).set("stretchy", "true").set("symmetric", "true").set("minsize", size).set("maxsize", size)
		n.open = openers[d]
		return n, nil
	}
	if name == "" {
		return nil, errorf(`\ at end of formula`)
	}
	if k, ok := knownCommands[name]; ok && p.check {
		return p.known(name, k)
	}
	return nil, errorf(`unsupported command \%s`, name)
}

func (p *parser) fraction(name string) (*node, error) {
	save := p.display
	p.display = name == "dfrac" || name == "cfrac" || name == "dbinom"
	num, err := p.parseArg()
	if err != nil {
		p.display = save
		return nil, err
	}
	den, err := p.parseArg()
	p.display = save
	if err != nil {
		return nil, err
	}
	n := elem("mfrac", num, den)
	if strings.HasSuffix(name, "binom") {
		n.set("linethickness", "0")
		n = elem("mrow", leaf("mo", "("), n, leaf("mo", ")"))
	}
	switch name[0] {
	case 'd', 'c':
		return elem("mstyle", n).set("displaystyle", "true").set("scriptlevel", "0"), nil
	case 't':
		return elem("mstyle", n).set("displaystyle", "false"), nil
	}
	return n, nil
}

func (p *parser) sqrt() (*node, error) {
	index, hasIndex, err := p.rawBracket()
	if err != nil {
		return nil, err
	}
	arg, err := p.parseArg()
	if err != nil {
		return nil, err
	}
	if !hasIndex {
		if arg.tag == "mrow" {
			return elem("msqrt", arg.children...), nil
		}
		return elem("msqrt", arg), nil
	}
	sub := &parser{src: index, font: p.font, depth: p.depth}
	idx, err := sub.parseTop()
	if err != nil {
		return nil, err
	}
	return elem("mroot", arg, idx), nil
}

func (p *parser) accent(name, mark string, stretch, under bool) (*node, error) {
	arg, err := p.parseArg()
	if err != nil {
		return nil, err
	}
	mo := leaf("mo", mark).set("stretchy", fmt.Sprint(stretch))
	if name == "overbrace" || name == "underbrace" {
		// A brace is no accent: its label, the script that follows, always goes above or below.
		n := elem(map[bool]string{false: "mover", true: "munder"}[under], arg, mo)
		n.alwaysLimits = true
		return n, nil
	}
	if under {
		return elem("munder", arg, mo).set("accentunder", "true"), nil
	}
	return elem("mover", arg, mo).set("accent", "true"), nil
}

// delimiter reads the delimiter after \left, \right, \middle or \big.
func (p *parser) delimiter(after string) (string, error) {
	t := p.next()
	key := t.val
	if t.kind == tokCmd {
		key = `\` + t.val
	}
	if d, ok := delimiters[key]; ok && t.kind != tokEOF {
		return d, nil
	}
	return "", errorf(`missing or unsupported delimiter after \%s: %s`, after, t)
}

// leftRight parses \left( … \middle| … \right) into a row whose fences stretch.
func (p *parser) leftRight() (*node, error) {
	open, err := p.delimiter("left")
	if err != nil {
		return nil, err
	}
	fence := func(s, form string) *node {
		return leaf("mo", s).set("fence", "true").set("form", form).set("stretchy", "true").set("symmetric", "true")
	}
	var inner []*node
	for {
		ns, err := p.parseExpr(func(t token) bool { return t.is(tokCmd, "right") || t.is(tokCmd, "middle") })
		if err != nil {
			return nil, err
		}
		inner = append(inner, ns...)
		t := p.next()
		switch {
		case t.kind == tokEOF:
			return nil, errorf(`\left without \right`)
		case t.is(tokCmd, "middle"):
			d, err := p.delimiter("middle")
			if err != nil {
				return nil, err
			}
			if d != "" {
				inner = append(inner, leaf("mo", d).set("stretchy", "true").set("symmetric", "true"))
			}
			continue
		}
		closing, err := p.delimiter("right")
		if err != nil {
			return nil, err
		}
		// The content is a row of its own, so a leading minus reads as a sign.
		var out []*node
		if open != "" {
			out = append(out, fence(open, "prefix"))
		}
		out = append(out, elem("mrow", inner...))
		if closing != "" {
			out = append(out, fence(closing, "postfix"))
		}
		n := elem("mrow", out...)
		n.open = open != ""
		return n, nil
	}
}

var lengthRE = regexp.MustCompile(`^\s*(-?[0-9]*\.?[0-9]+)\s*(em|ex|pt|px|mm|cm|in|mu)`)

// space parses \hspace{len}, \kern len and the like into an mspace.
func (p *parser) space(name string) (*node, error) {
	var spec string
	if t := p.peek(); t.is(tokChar, "{") {
		raw, err := p.rawGroup()
		if err != nil {
			return nil, err
		}
		spec = raw
	} else {
		m := lengthRE.FindStringSubmatchIndex(p.src[p.pos:])
		if m == nil {
			return nil, errorf(`\%s needs a length such as 1em`, name)
		}
		spec = p.src[p.pos : p.pos+m[1]]
		p.pos += m[1]
	}
	m := lengthRE.FindStringSubmatch(spec)
	if m == nil || strings.TrimSpace(spec[len(m[0]):]) != "" {
		return nil, errorf(`\%s{%s}: unsupported length`, name, spec)
	}
	value, unit := m[1], m[2]
	if unit == "mu" {
		// 18mu are one em.
		var f float64
		fmt.Sscan(value, &f)
		value, unit = fmt.Sprintf("%.4g", f/18), "em"
	}
	return elem("mspace").set("width", value+unit), nil
}

// text renders the argument of \text and its kin: characters as they are,
// $…$ as math.
func (p *parser) text(raw, cmd string) (*node, error) {
	var parts []*node
	var buf strings.Builder
	flush := func() {
		if buf.Len() == 0 {
			return
		}
		s := buf.String()
		// Token elements trim white space; keep the author's edge spaces.
		if strings.HasPrefix(s, " ") {
			s = "\u00a0" + s[1:]
		}
		if strings.HasSuffix(s, " ") {
			s = s[:len(s)-1] + "\u00a0"
		}
		n := leaf("mtext", s)
		switch cmd {
		case "textit", "emph":
			n.set("style", "font-style:italic")
		case "textbf":
			n.set("style", "font-weight:bold")
		case "texttt":
			n.set("style", "font-family:monospace")
		case "textsf":
			n.set("style", "font-family:sans-serif")
		}
		parts = append(parts, n)
		buf.Reset()
	}
	lastSpace := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\\':
			j := i + 1
			for j < len(raw) && isASCIILetter(raw[j]) {
				j++
			}
			if j == i+1 && j < len(raw) {
				j++
			}
			name := raw[i+1 : j]
			i = j - 1
			switch name {
			case "{", "}", "%", "$", "#", "&", "_":
				buf.WriteString(name)
			case " ", ",", ";", ":", "quad", "qquad":
				buf.WriteString(map[string]string{" ": " ", ",": "\u2009", ";": "\u2005", ":": "\u2005", "quad": "\u2003", "qquad": "\u2003\u2003"}[name])
			case "textbackslash":
				buf.WriteString(`\`)
			default:
				return nil, errorf(`unsupported command \%s inside \%s`, name, cmd)
			}
			lastSpace = false
			continue
		case c == '$':
			end := strings.IndexByte(raw[i+1:], '$')
			if end < 0 {
				return nil, errorf(`unclosed $ inside \text`)
			}
			flush()
			sub := &parser{src: raw[i+1 : i+1+end], depth: p.depth + 1}
			n, err := sub.parseTop()
			if err != nil {
				return nil, err
			}
			parts = append(parts, n)
			i += end + 1
			lastSpace = false
			continue
		case c == '{' || c == '}':
			continue
		case c == '~':
			buf.WriteString("\u00a0")
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			if !lastSpace {
				buf.WriteByte(' ')
			}
			lastSpace = true
			continue
		default:
			buf.WriteByte(c)
		}
		lastSpace = false
	}
	flush()
	if len(parts) == 0 {
		return leaf("mtext", ""), nil
	}
	return row(parts), nil
}
