package markdown

import "strings"

// mayHaveHeading reports whether Markdown src could hold a heading: an ATX
// heading needs a line that starts with '#' (see atxStart), and a setext
// heading an underline, a line whose last non-blank character is '=' or
// '-'. Most answers have neither, and then need no parse to know their
// headings stay as they are; FuzzMayHaveHeading holds the promise.
func mayHaveHeading(src string) bool {
	for line := range strings.Lines(src) {
		line = strings.TrimRight(line, " \t\r\n\v\f")
		if strings.HasSuffix(line, "=") || strings.HasSuffix(line, "-") || atxStart(line) {
			return true
		}
	}
	return false
}

// atxStart reports whether line starts with '#' once blanks and the
// markers of block quotes and list items are skipped: where an ATX heading
// can open. A '#' later in a line (a comment after code, say) cannot.
func atxStart(line string) bool {
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '#':
			return true
		case c >= '0' && c <= '9':
			for i < len(line) && line[i] >= '0' && line[i] <= '9' {
				i++
			}
			if i == len(line) || line[i] != '.' && line[i] != ')' {
				return false
			}
		case strings.IndexByte(" \t\v\f>-*+", c) < 0:
			return false
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
