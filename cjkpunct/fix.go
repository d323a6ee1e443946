package cjkpunct

import (
	"strings"
	"unicode/utf8"
)

// Fix returns src with the punctuation of its Chinese prose made full-width,
// and the number of marks changed. A mark is Chinese when the nearest word
// or full-width mark before or after it (past spaces, ASCII punctuation,
// code and math) is CJK. In text that holds any CJK, a comma, colon or
// semicolon with no space after it is Chinese too (a Chinese writer's
// comma typed half-width, as in "Fast R-CNN,Girshick"), unless it joins a
// digit to a letter or digit (1:1, 1:N, 1,000). Parentheses and double
// quotes change in pairs: a pair is Chinese when it holds CJK text, when a
// CJK word is next to it, or, in text that holds CJK, when no space comes
// before it, as the English "word (aside)" would have. Spaces beside a
// changed mark go: full-width marks carry their own spacing. Code, math,
// raw HTML, URLs and link targets are never changed.
func Fix(src string) (string, int) {
	if !strings.ContainsAny(src, ",:;!?()\"") {
		return src, 0
	}
	t := scan(src)
	type mark struct {
		at   int
		c    byte
		span int // index of the prose span holding it
	}
	var marks []mark
	for k, sp := range t.prose {
		for i := sp.Start; i < sp.End; i++ {
			if strings.IndexByte(",:;!?()\"", src[i]) >= 0 {
				marks = append(marks, mark{i, src[i], k})
			}
		}
	}
	repl := map[int]string{}
	cjkNear := func(i int) bool { return IsCJK(t.neighbor(i, -1, true)) || IsCJK(t.neighbor(i, +1, true)) }
	holdsCJK := func(from, to int) bool {
		for _, r := range src[from:to] {
			if IsCJK(r) {
				return true
			}
		}
		return false
	}
	chinese := holdsCJK(0, len(src))
	pair := func(open, close int, left, right string) {
		attached := open > 0 && src[open-1] != ' ' && src[open-1] != '\t'
		if holdsCJK(open+1, close) || IsCJK(t.neighbor(open, -1, true)) || IsCJK(t.neighbor(close, +1, true)) || chinese && attached {
			repl[open], repl[close] = left, right
		}
	}
	var parens []int
	quote := -1
	for _, m := range marks {
		switch m.c {
		case '(':
			parens = append(parens, m.at)
		case ')':
			if n := len(parens); n > 0 {
				pair(parens[n-1], m.at, "（", "）")
				parens = parens[:n-1]
			}
		case '"':
			if quote < 0 {
				quote = m.at
			} else {
				pair(quote, m.at, "“", "”")
				quote = -1
			}
		default:
			if cjkNear(m.at) || chinese && strings.IndexByte(",:;", m.c) >= 0 && joint(src, m.at) {
				repl[m.at] = Full[rune(m.c)]
			}
		}
	}
	if len(repl) == 0 {
		return src, 0
	}
	// Spaces beside a changed mark are dropped when they are prose.
	drop := map[int]bool{}
	inProse := func(i int) bool {
		for _, sp := range t.prose {
			if sp.Start <= i && i < sp.End {
				return true
			}
		}
		return false
	}
	// A run of spaces that reaches a table's | or the line's end is layout, not prose spacing.
	edge := func(i int) bool { return i < 0 || i >= len(src) || src[i] == '|' || src[i] == '\n' }
	for at := range repl {
		i := at - 1
		for i >= 0 && src[i] == ' ' && inProse(i) {
			i--
		}
		if !edge(i) {
			for k := i + 1; k < at; k++ {
				drop[k] = true
			}
		}
		j := at + 1
		for j < len(src) && src[j] == ' ' && inProse(j) {
			j++
		}
		if !edge(j) {
			for k := at + 1; k < j; k++ {
				drop[k] = true
			}
		}
	}
	var b strings.Builder
	for i := 0; i < len(src); i++ {
		if s, ok := repl[i]; ok {
			b.WriteString(s)
			continue
		}
		if !drop[i] {
			b.WriteByte(src[i])
		}
	}
	return b.String(), len(repl)
}

// joint reports whether no space follows the mark at i, as with a Chinese
// comma typed half-width, and it does not join two digits (1,000) nor,
// for a colon, a digit and a letter (1:1, 1:N). Emphasis markers do not count.
func joint(src string, i int) bool {
	if i+1 < len(src) && (src[i+1] == ' ' || src[i+1] == '\t') {
		return false
	}
	before := strings.TrimRight(src[:i], "*_~")
	after := strings.TrimLeft(src[i+1:], "*_~")
	if before == "" || after == "" {
		return true
	}
	b, _ := utf8.DecodeLastRuneInString(before)
	a, _ := utf8.DecodeRuneInString(after)
	if src[i] == ':' {
		return !(isDigit(b) && isAlnum(a) || isAlnum(b) && isDigit(a))
	}
	return !(isDigit(b) && isDigit(a))
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isAlnum(r rune) bool { return isDigit(r) || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
