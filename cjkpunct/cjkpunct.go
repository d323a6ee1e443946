// Package cjkpunct checks and fixes the punctuation of Chinese prose in
// card Markdown: sentences in Chinese take full-width marks (，：；（）“”,
// GB/T 15834), while code, math, URLs and English phrases keep ASCII ones.
//
// Both work on the prose of the Markdown as the renderer parses it
// (render.Scan), so code spans, fenced code, math and raw HTML are never
// read as text nor changed.
package cjkpunct

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cardgen/cardgen/exporters/render"
)

// Finding is one half-width mark between two CJK characters.
type Finding struct {
	Offset int  // byte offset of the mark in the Markdown
	Mark   rune // the half-width mark
}

// Full gives the full-width form of each mark the fixer converts.
var Full = map[rune]string{',': "，", ':': "：", ';': "；", '!': "！", '?': "？", '(': "（", ')': "）"}

// checked are the marks Check reports between two CJK characters.
const checked = ",.:;!?()\"'"

// IsCJK reports whether r is a Chinese, Japanese or Korean character or a
// full-width mark: text on either side of it is East Asian.
func IsCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFFEF || r == '“' || r == '”' || r == '‘' || r == '’' || r == '…' || r == '—'
}

// isWord is a letter or digit of any script: what tells a phrase's language.
func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// mayHave reports cheaply whether src can hold a finding: a checked mark
// with a CJK character before it, ignoring spaces and emphasis markers.
func mayHave(src string) bool {
	var prev rune
	for _, r := range src {
		switch {
		case r == ' ' || r == '*' || r == '_' || r == '~':
		case r < utf8.RuneSelf && strings.ContainsRune(checked, r) && IsCJK(prev):
			return true
		default:
			prev = r
		}
	}
	return false
}

type text struct {
	src    string
	prose  []render.Span
	hidden []render.Span
}

func scan(src string) *text {
	o := render.Scan(src)
	sort.Slice(o.Hidden, func(i, j int) bool { return o.Hidden[i].Start < o.Hidden[j].Start })
	return &text{src: src, prose: o.Prose, hidden: o.Hidden}
}

// hiddenAt returns the hidden span holding byte i, if any.
func (t *text) hiddenAt(i int) (render.Span, bool) {
	k := sort.Search(len(t.hidden), func(k int) bool { return t.hidden[k].End > i })
	if k < len(t.hidden) && t.hidden[k].Start <= i {
		return t.hidden[k], true
	}
	return render.Span{}, false
}

// neighbor returns the first rune before (dir < 0) or after (dir > 0) byte
// offset i that is not a space or an emphasis marker. With lang set it also
// passes over code, math and punctuation, to find the word that tells the
// language of the phrase; without it, code or math yields 0.
func (t *text) neighbor(i, dir int, lang bool) rune {
	if dir > 0 {
		_, n := utf8.DecodeRuneInString(t.src[i:])
		i += n
	}
	for {
		var r rune
		var start, n int
		if dir < 0 {
			if i <= 0 {
				return 0
			}
			r, n = utf8.DecodeLastRuneInString(t.src[:i])
			start = i - n
			i = start
		} else {
			if i >= len(t.src) {
				return 0
			}
			r, n = utf8.DecodeRuneInString(t.src[i:])
			start = i
			i += n
		}
		if sp, ok := t.hiddenAt(start); ok {
			if !lang {
				return 0
			}
			if dir < 0 {
				i = sp.Start
			} else {
				i = sp.End
			}
			continue
		}
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '*' || r == '_' || r == '~':
			continue
		case lang && !isWord(r) && !IsCJK(r):
			// Punctuation is passed over, except full-width marks: they are Chinese.
			continue
		}
		return r
	}
}

// Check returns every half-width mark of the prose of Markdown src that
// stands between two CJK characters (spaces and emphasis markers aside).
func Check(src string) []Finding {
	if !mayHave(src) {
		return nil
	}
	t := scan(src)
	var out []Finding
	for _, sp := range t.prose {
		for i := sp.Start; i < sp.End; i++ {
			c := src[i]
			if !strings.ContainsRune(checked, rune(c)) {
				continue
			}
			if IsCJK(t.neighbor(i, -1, false)) && IsCJK(t.neighbor(i, +1, false)) {
				out = append(out, Finding{Offset: i, Mark: rune(c)})
			}
		}
	}
	return out
}
