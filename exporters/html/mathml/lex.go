package mathml

import (
	"unicode/utf8"
)

type tokKind int

const (
	tokEOF  tokKind = iota
	tokCmd          // \name or \x; val holds name or x without the backslash
	tokChar         // one character
)

type token struct {
	kind tokKind
	val  string
}

func (t token) is(kind tokKind, val string) bool { return t.kind == kind && t.val == val }

func (t token) String() string {
	switch t.kind {
	case tokEOF:
		return "end of formula"
	case tokCmd:
		return `\` + t.val
	}
	return t.val
}

// skip returns the offset of the next token at or after pos: math mode
// ignores white space, and % starts a comment that runs to the end of the line.
func (p *parser) skip(pos int) int {
	for pos < len(p.src) {
		switch p.src[pos] {
		case ' ', '\t', '\n', '\r', '\f':
			pos++
		case '%':
			for pos < len(p.src) && p.src[pos] != '\n' {
				pos++
			}
		default:
			return pos
		}
	}
	return pos
}

// lex reads the token at pos and returns it with the offset after it.
func (p *parser) lex(pos int) (token, int) {
	pos = p.skip(pos)
	if pos >= len(p.src) {
		return token{kind: tokEOF}, pos
	}
	if p.src[pos] != '\\' {
		_, n := utf8.DecodeRuneInString(p.src[pos:])
		return token{kind: tokChar, val: p.src[pos : pos+n]}, pos + n
	}
	start := pos + 1
	if start >= len(p.src) {
		return token{kind: tokCmd, val: ""}, start
	}
	end := start
	for end < len(p.src) && isASCIILetter(p.src[end]) {
		end++
	}
	if end == start {
		_, n := utf8.DecodeRuneInString(p.src[start:])
		end = start + n
		val := p.src[start:end]
		if val == "\n" || val == "\t" || val == "\r" {
			val = " "
		}
		return token{kind: tokCmd, val: val}, end
	}
	return token{kind: tokCmd, val: p.src[start:end]}, end
}

func (p *parser) peek() token {
	t, _ := p.lex(p.pos)
	return t
}

func (p *parser) next() token {
	t, end := p.lex(p.pos)
	p.pos = end
	return t
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// rawGroup reads a {…} group as source text, honouring nested braces and
// escaped \{ \}; it is used for \text, environment names and column specs.
func (p *parser) rawGroup() (string, error) {
	pos := p.skip(p.pos)
	if pos >= len(p.src) || p.src[pos] != '{' {
		return "", errorf("expected {")
	}
	depth := 0
	for i := pos; i < len(p.src); i++ {
		switch p.src[i] {
		case '\\':
			i++
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				p.pos = i + 1
				return p.src[pos+1 : i], nil
			}
		}
	}
	return "", errorf("missing }")
}

// rawBracket reads an optional [...] argument as source text; ok is false when there is none.
func (p *parser) rawBracket() (s string, ok bool, err error) {
	pos := p.skip(p.pos)
	if pos >= len(p.src) || p.src[pos] != '[' {
		return "", false, nil
	}
	depth := 0
	for i := pos + 1; i < len(p.src); i++ {
		switch p.src[i] {
		case '\\':
			i++
		case '{':
			depth++
		case '}':
			depth--
		case ']':
			if depth == 0 {
				p.pos = i + 1
				return p.src[pos+1 : i], true, nil
			}
		}
	}
	return "", false, errorf("missing ]")
}
