package markdown

import "strings"

// mayHaveHeading reports whether Markdown src could hold a heading: an ATX
// heading needs a '#', and a setext heading an underline, a line whose last
// non-blank character is '=' or '-'. Most answers have neither, and then
// need no parse to know their headings stay as they are.
func mayHaveHeading(src string) bool {
	if strings.IndexByte(src, '#') >= 0 {
		return true
	}
	for line := range strings.Lines(src) {
		line = strings.TrimRight(line, " \t\r\n\v\f")
		if strings.HasSuffix(line, "=") || strings.HasSuffix(line, "-") {
			return true
		}
	}
	return false
}

// oneLineParagraph returns the text of src when src is one line that can
// only be a paragraph, as most questions are: it starts with none of the
// characters that open another block (or a link definition) and holds no
// line break, so splitQuestion needs no parse.
func oneLineParagraph(src string) (string, bool) {
	if src == "" || strings.ContainsAny(src, "\n\r") || strings.IndexByte("#>-+*=_`~<[|$!0123456789 \t\v\f\\", src[0]) >= 0 {
		return "", false
	}
	return strings.TrimSpace(src), true
}
