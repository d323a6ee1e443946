package render

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// pyLexer tokenises the common run of Python exactly as chroma's Python
// lexer behind chroma.Coalesce does, without regular expressions.
//
// Chroma tries every rule of a state, one regexp2 call each, at every
// token: about 5 µs per byte of Python, so code blocks were most of the
// time of rendering a large deck. pyLexer applies the same rules in the
// same order, by hand, to code that is ASCII outside comments and strings
// and has no backslash, no string prefix, no '%' or '{' inside a string,
// and nothing chroma would call an error. For anything else it says no and
// the caller uses chroma. FuzzPythonLexer holds the two equal, and the word
// lists are read from chroma's own rules. pythonRulesSum pins the rules it
// was written against: when they change, newPyLexer returns nil,
// highlighting is chroma's alone, and TestPythonLexerIsPinned fails.
type pyLexer struct {
	keywords, constants, builtins, pseudo, exceptions, magicFuncs, magicVars map[string]bool
}

// pythonRulesSum is the SHA-256 of chroma's Python lexer, serialised.
const pythonRulesSum = "698192a0d6c705bb2e3727b696cc68d21088dbbe6f3524640f9c3f9e64734110"

// newPyLexer returns the fast lexer, or nil when chroma's Python lexer is
// not the one it mirrors.
func newPyLexer() *pyLexer {
	rl, ok := lexers.Get("python").(*chroma.RegexLexer)
	if !ok {
		return nil
	}
	rules, err := rl.Rules()
	if err != nil || rulesSum(rules) != pythonRulesSum {
		return nil
	}
	words := func(state string, i int) map[string]bool {
		if i >= len(rules[state]) {
			return nil
		}
		m := wordsRE.FindStringSubmatch(rules[state][i].Pattern)
		if m == nil {
			return nil
		}
		set := map[string]bool{}
		for _, w := range strings.Split(m[1], "|") {
			set[w] = true
		}
		return set
	}
	p := &pyLexer{
		keywords: words("keywords", 0), constants: words("keywords", 1),
		builtins: words("builtins", 0), pseudo: words("builtins", 1), exceptions: words("builtins", 2),
		magicFuncs: words("magicfuncs", 0), magicVars: words("magicvars", 0),
	}
	for _, set := range []map[string]bool{p.keywords, p.constants, p.builtins, p.pseudo, p.exceptions, p.magicFuncs, p.magicVars} {
		if len(set) == 0 {
			return nil
		}
	}
	return p
}

// rulesSum is the hex SHA-256 of a lexer's rules in XML, state by state in name order.
func rulesSum(rules chroma.Rules) string {
	h := sha256.New()
	for _, state := range slices.Sorted(maps.Keys(rules)) {
		data, err := xml.Marshal(rules[state])
		if err != nil {
			return ""
		}
		fmt.Fprintf(h, "%s\n%s\n", state, data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// wordsRE reads a rule that is a list of words: "(a|b|c)\b", possibly after "(?<!\.)".
var wordsRE = regexp.MustCompile(`^(?:\(\?<!\\\.\))?\(([A-Za-z_ |]+)\)\\b$`)

// tokens is the token list of src, coalesced as chroma.Coalesce does, and
// whether src is in the part of Python pyLexer knows.
func (p *pyLexer) tokens(src string) ([]chroma.Token, bool) {
	// Chroma's docstring rule is written `[rRuUbB]{,2}`, which regexp2 (like
	// .NET) reads as the characters "{,2}"; the rule matches nothing else.
	// Chroma works on runes: invalid UTF-8 becomes U+FFFD.
	if strings.ContainsAny(src, "\\\r") || strings.Contains(src, "{,2}") || strings.HasPrefix(src, "#!") ||
		!utf8.ValidString(src) {
		return nil, false
	}
	x := pyScan{p: p, s: src, stack: []pyState{pyRoot}}
	for x.i < len(src) {
		if !x.step() {
			return nil, false
		}
	}
	return x.out, true
}

type pyState int

const (
	pyRoot pyState = iota
	pyFuncName
	pyClassName
	pyImport
	pyFromImport
	pySingle       // inside '…'
	pyDouble       // inside "…"
	pyTripleSingle // inside '''…'''
	pyTripleDouble // inside """…"""
)

type pyScan struct {
	p     *pyLexer
	s     string
	i     int
	stack []pyState
	out   []chroma.Token
	last  int  // where the last token of out starts
	bad   bool // a rule looked at a character pyLexer does not judge
}

// emit adds a token of s[i:j] and moves to j, coalescing as chroma.Coalesce does.
func (x *pyScan) emit(t chroma.TokenType, j int) {
	v := x.s[x.i:j]
	x.i = j
	if v == "" {
		return
	}
	// Tokens cover the source without gaps, so a run of them is a substring of it.
	if n := len(x.out); n > 0 && x.out[n-1].Type == t && len(x.out[n-1].Value) < 8192 {
		x.out[n-1].Value = x.s[x.last:x.i]
		return
	}
	x.last = x.i - len(v)
	x.out = append(x.out, chroma.Token{Type: t, Value: v})
}

func (x *pyScan) push(s pyState) { x.stack = append(x.stack, s) }
func (x *pyScan) pop()           { x.stack = x.stack[:len(x.stack)-1] }

// step applies the first rule of the current state that matches at i, as
// chroma does; false when pyLexer cannot tell what chroma would do.
func (x *pyScan) step() bool {
	var ok bool
	switch x.stack[len(x.stack)-1] {
	case pyRoot:
		ok = x.root()
	case pyFuncName:
		ok = x.funcName()
	case pyClassName:
		ok = x.className()
	case pyImport:
		ok = x.importState()
	case pyFromImport:
		ok = x.fromImport()
	case pySingle:
		ok = x.str('\'', false)
	case pyDouble:
		ok = x.str('"', false)
	case pyTripleSingle:
		ok = x.str('\'', true)
	case pyTripleDouble:
		ok = x.str('"', true)
	}
	return ok && !x.bad
}

func (x *pyScan) at(j int) byte {
	if j < len(x.s) {
		return x.s[j]
	}
	return 0
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isWordByte(c byte) bool   { return isIdentStart(c) || isDigit(c) }

// isBlank is regexp2's \s on ASCII, less the \r that tokens refuses.
func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' }

// wordEnd is the end of the run of word characters from j. A non-ASCII
// character there may be a letter to regexp2 (\w and \b are Unicode), so
// it marks the scan bad.
func (x *pyScan) wordEnd(j int) int {
	for j < len(x.s) && isWordByte(x.s[j]) {
		j++
	}
	if x.at(j) >= 0x80 {
		x.bad = true
	}
	return j
}

// blanks is the end of the run of \s from j (of [^\S\n] when noNewline).
func (x *pyScan) blanks(j int, noNewline bool) int {
	for j < len(x.s) && isBlank(x.s[j]) && !(noNewline && x.s[j] == '\n') {
		j++
	}
	if x.at(j) >= 0x80 {
		x.bad = true // \s is Unicode too
	}
	return j
}

// ident is the end of [_\p{L}][_\p{L}\p{N}]* at j, or -1.
func (x *pyScan) ident(j int) int {
	if c := x.at(j); !isIdentStart(c) {
		if c >= 0x80 {
			x.bad = true
		}
		return -1
	}
	return x.wordEnd(j + 1)
}

// word is the word at i when a rule "(w1|w2|…)\b" can match there, else "".
func (x *pyScan) word() string {
	if !isIdentStart(x.at(x.i)) {
		return ""
	}
	return x.s[x.i:x.wordEnd(x.i)]
}

// keyword is "(kw)((?:\s|\\\s)+)" at i: the end of the blanks after kw, or -1.
func (x *pyScan) keyword(kw string) int {
	if !strings.HasPrefix(x.s[x.i:], kw) || !isBlank(x.at(x.i+len(kw))) {
		return -1
	}
	return x.blanks(x.i+len(kw), false)
}

func (x *pyScan) root() bool {
	s, i := x.s, x.i
	switch c := s[i]; {
	case c == '\n':
		x.emit(chroma.Text, i+1)
		return true
	case c == '#':
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			j = len(s) - i
		}
		x.emit(chroma.CommentSingle, i+j)
		return true
	}
	// keywords
	if w := x.word(); w != "" {
		if w == "yield" && strings.HasPrefix(s[i+5:], " from") {
			if end := x.wordEnd(i + 6); end == i+10 {
				x.emit(chroma.Keyword, end)
				return true
			}
		}
		if x.p.keywords[w] {
			x.emit(chroma.Keyword, i+len(w))
			return true
		}
		if x.p.constants[w] {
			x.emit(chroma.KeywordConstant, i+len(w))
			return true
		}
	}
	for _, r := range []struct {
		kw   string
		t    chroma.TokenType
		next pyState
	}{{"def", chroma.Keyword, pyFuncName}, {"class", chroma.Keyword, pyClassName},
		{"from", chroma.KeywordNamespace, pyFromImport}, {"import", chroma.KeywordNamespace, pyImport}} {
		if end := x.keyword(r.kw); end >= 0 {
			x.emit(r.t, i+len(r.kw))
			x.emit(chroma.Text, end)
			x.push(r.next)
			return true
		}
	}
	return x.expr()
}

func (x *pyScan) expr() bool {
	s, i := x.s, x.i
	c := s[i]
	// String prefixes (rf, fr, f, rb, br, r, u, b in any case) are left to chroma.
	if isIdentStart(c) && (isQuote(x.at(i+1)) || isIdentStart(x.at(i+1)) && isQuote(x.at(i+2))) {
		n := 1
		if !isQuote(x.at(i + 1)) {
			n = 2
		}
		switch strings.ToLower(s[i : i+n]) {
		case "rf", "fr", "f", "rb", "br", "r", "u", "b":
			return false
		}
	}
	switch {
	case isQuote(c):
		n := 1
		if x.at(i+1) == c && x.at(i+2) == c {
			n = 3
		}
		x.emit(quoteType(c), i+n)
		x.push(stringState(c, n == 3))
		return true
	case c == ' ' || c == '\t' || c == '\v' || c == '\f':
		x.emit(chroma.Text, x.blanks(i, true))
		return true
	}
	if t, end := x.number(); end > i {
		x.emit(t, end)
		return true
	}
	if n := operatorLen(s[i:]); n > 0 {
		x.emit(chroma.Operator, i+n)
		return true
	}
	if strings.IndexByte("[]{}:(),;", c) >= 0 {
		x.emit(chroma.Punctuation, i+1)
		return true
	}
	if w := x.word(); w != "" {
		dot := i > 0 && s[i-1] == '.' // the builtins' (?<!\.)
		switch {
		case w == "in" || w == "is" || w == "and" || w == "or" || w == "not":
			x.emit(chroma.OperatorWord, i+len(w))
		case !dot && x.p.builtins[w]:
			x.emit(chroma.NameBuiltin, i+len(w))
		case !dot && x.p.pseudo[w]:
			x.emit(chroma.NameBuiltinPseudo, i+len(w))
		case !dot && x.p.exceptions[w]:
			x.emit(chroma.NameException, i+len(w))
		case x.p.magicFuncs[w]:
			x.emit(chroma.NameFunctionMagic, i+len(w))
		case x.p.magicVars[w]:
			x.emit(chroma.NameVariableMagic, i+len(w))
		default:
			x.emit(chroma.Name, i+len(w))
		}
		return true
	}
	if c == '@' {
		end := x.ident(i + 1)
		if end < 0 {
			x.emit(chroma.Operator, i+1)
			return true
		}
		// (\s*\.\s*[_\p{L}][_\p{L}\p{N}]*)*
		for {
			k := x.blanks(end, false)
			if x.at(k) != '.' {
				break
			}
			k = x.ident(x.blanks(k+1, false))
			if k < 0 {
				break
			}
			end = k
		}
		x.emit(chroma.NameDecorator, end)
		return true
	}
	return false // chroma would emit an error token, or the character is not ASCII
}

func isQuote(c byte) bool { return c == '\'' || c == '"' }

// stringState is the state inside a string opened by quote q, once or three times.
func stringState(q byte, triple bool) pyState {
	switch {
	case q == '\'' && triple:
		return pyTripleSingle
	case q == '\'':
		return pySingle
	case triple:
		return pyTripleDouble
	}
	return pyDouble
}

func quoteType(q byte) chroma.TokenType {
	if q == '\'' {
		return chroma.LiteralStringSingle
	}
	return chroma.LiteralStringDouble
}

// operatorLen matches !=|==|<<|>>|:=|[-~+/*%=<>&^|.] at the start of s.
func operatorLen(s string) int {
	if len(s) >= 2 {
		switch s[:2] {
		case "!=", "==", "<<", ">>", ":=":
			return 2
		}
	}
	if len(s) > 0 && strings.IndexByte("-~+/*%=<>&^|.", s[0]) >= 0 {
		return 1
	}
	return 0
}

// digits matches \d(?:_?\d)* at j (with class as \d): its end, or -1.
func (x *pyScan) digits(j int, class func(byte) bool) int {
	if !class(x.at(j)) {
		if x.at(j) >= 0x80 {
			x.bad = true // \d is Unicode
		}
		return -1
	}
	j++
	for {
		switch {
		case class(x.at(j)):
			j++
		case x.at(j) == '_' && class(x.at(j+1)):
			j += 2
		default:
			if x.at(j) >= 0x80 {
				x.bad = true
			}
			return j
		}
	}
}

// number applies the rules of chroma's "numbers" state in order.
func (x *pyScan) number() (chroma.TokenType, int) {
	i := x.i
	exponent := func(j int) int { // [eE][+-]?\d(?:_?\d)*
		if c := x.at(j); c != 'e' && c != 'E' {
			return -1
		}
		k := j + 1
		if c := x.at(k); c == '+' || c == '-' {
			k++
		}
		return x.digits(k, isDigit)
	}
	// (\d(?:_?\d)*\.(?:\d(?:_?\d)*)?|(?:\d(?:_?\d)*)?\.\d(?:_?\d)*)([eE][+-]?\d(?:_?\d)*)?
	end := -1
	if d := x.digits(i, isDigit); d >= 0 && x.at(d) == '.' {
		end = d + 1
		if f := x.digits(end, isDigit); f >= 0 {
			end = f
		}
	} else if x.at(i) == '.' {
		end = x.digits(i+1, isDigit)
	}
	if end >= 0 {
		if e := exponent(end); e >= 0 {
			end = e
		}
		return chroma.LiteralNumberFloat, end
	}
	// \d(?:_?\d)*[eE][+-]?\d(?:_?\d)*j?
	if d := x.digits(i, isDigit); d >= 0 {
		if e := exponent(d); e >= 0 {
			if x.at(e) == 'j' {
				e++
			}
			return chroma.LiteralNumberFloat, e
		}
	}
	if x.at(i) == '0' {
		for _, r := range []struct {
			marker byte
			class  func(byte) bool
			t      chroma.TokenType
		}{
			{'o', func(c byte) bool { return c >= '0' && c <= '7' }, chroma.LiteralNumberOct},
			{'b', func(c byte) bool { return c == '0' || c == '1' }, chroma.LiteralNumberBin},
			{'x', func(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }, chroma.LiteralNumberHex},
		} {
			if c := x.at(i + 1); c == r.marker || c == r.marker-'a'+'A' {
				// (?:_?[…])+ : a leading underscore is allowed here.
				j := i + 2
				if x.at(j) == '_' {
					j++
				}
				if end := x.digits(j, r.class); end >= 0 {
					return r.t, end
				}
			}
		}
	}
	if d := x.digits(i, isDigit); d >= 0 {
		return chroma.LiteralNumberInteger, d
	}
	return chroma.Error, i
}

func (x *pyScan) funcName() bool {
	if w := x.word(); w != "" && x.p.magicFuncs[w] {
		x.emit(chroma.NameFunctionMagic, x.i+len(w)) // the state stays, as in chroma
		return true
	}
	if end := x.ident(x.i); end >= 0 {
		x.emit(chroma.NameFunction, end)
	}
	x.pop()
	return true
}

func (x *pyScan) className() bool {
	end := x.ident(x.i)
	if end < 0 {
		return false // chroma emits an error token here
	}
	x.emit(chroma.NameClass, end)
	x.pop()
	return true
}

func (x *pyScan) importState() bool {
	i := x.i
	// (\s+)(as)(\s+)
	if b := x.blanks(i, false); b > i && strings.HasPrefix(x.s[b:], "as") {
		if e := x.blanks(b+2, false); e > b+2 {
			x.emit(chroma.Text, b)
			x.emit(chroma.Keyword, b+2)
			x.emit(chroma.Text, e)
			return true
		}
	}
	if x.at(i) == '.' {
		x.emit(chroma.NameNamespace, i+1)
		return true
	}
	if end := x.ident(i); end >= 0 {
		x.emit(chroma.NameNamespace, end)
		return true
	}
	// (\s*)(,)(\s*)
	if b := x.blanks(i, false); x.at(b) == ',' {
		x.emit(chroma.Text, b)
		x.emit(chroma.Operator, b+1)
		x.emit(chroma.Text, x.blanks(b+1, false))
		return true
	}
	x.pop()
	return true
}

func (x *pyScan) fromImport() bool {
	i := x.i
	// (\s+)(import)\b
	if b := x.blanks(i, false); b > i && strings.HasPrefix(x.s[b:], "import") && x.wordEnd(b) == b+6 {
		x.emit(chroma.Text, b)
		x.emit(chroma.KeywordNamespace, b+6)
		x.pop()
		return true
	}
	if x.at(i) == '.' {
		x.emit(chroma.NameNamespace, i+1)
		return true
	}
	if x.word() == "None" {
		x.emit(chroma.NameBuiltinPseudo, i+4)
		x.pop()
		return true
	}
	if end := x.ident(i); end >= 0 {
		x.emit(chroma.NameNamespace, end)
		return true
	}
	x.pop()
	return true
}

// str is the inside of a string without prefix, quoted with q, or with
// three of q when triple: the rules of chroma's sqs, dqs, tsqs and tdqs
// states (after stringescape, which needs a backslash).
func (x *pyScan) str(q byte, triple bool) bool {
	s, i, t := x.s, x.i, quoteType(q)
	switch c := s[i]; {
	case triple && c == q && x.at(i+1) == q && x.at(i+2) == q:
		x.emit(t, i+3)
		x.pop()
		return true
	case !triple && c == q:
		x.emit(t, i+1)
		x.pop()
		return true
	case c == '%' || c == '{':
		return false // interpolation
	case isQuote(c):
		x.emit(t, i+1)
		return true
	case c == '\n':
		if !triple {
			return false // an unclosed string: chroma starts over from its root state
		}
		x.emit(t, i+1)
		return true
	}
	j := i
	for j < len(s) && strings.IndexByte("'\"%{\n", s[j]) < 0 {
		j++
	}
	x.emit(t, j)
	return true
}

// pyFast returns the fast lexer, nil when chroma's Python lexer changed.
var pyFast = sync.OnceValue(newPyLexer)
