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
