package render

import (
	"strings"
)

// Formulas returns the formulas of Markdown src exactly as Scan finds them.
// Most card text cannot hide a $ from the math parser: without code, raw
// HTML, links, tables, block quotes or runs of four spaces (which can start
// indented code, also inside a list item), and with each inline
// formula closed on its own line, the formulas are found by a scan of the
// text, which costs a fraction of parsing it (FuzzFormulas checks the two
// agree). Anything else is parsed with Scan.
func Formulas(src string) []Formula {
	if !strings.Contains(src, "$") {
		return nil
	}
	if fs, ok := scanFormulas(src); ok {
		return fs
	}
	return Scan(src).Formulas
}

// scanFormulas finds the formulas of src line by line; ok is false when src
// holds anything that could change how goldmark reads a $.
func scanFormulas(src string) (fs []Formula, ok bool) {
	if strings.ContainsAny(src, "`<|\t\r\v\f") ||
		strings.Contains(src, "~~~") || strings.Contains(src, "    ") || strings.Contains(src, "](") || strings.Contains(src, "]:") ||
		strings.Contains(src, "://") || strings.Contains(src, "www.") {
		return nil, false
	}
	pos := 0
	for pos < len(src) {
		end := strings.IndexByte(src[pos:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += pos
		}
		line := src[pos:end]
		indent := len(line) - len(strings.TrimLeft(line, " "))
		rest := line[indent:]
		if indent >= 4 && rest != "" || strings.HasPrefix(rest, ">") {
			return nil, false
		}
		if strings.HasPrefix(rest, "$$") {
			if indent > 0 {
				return nil, false
			}
			inner := strings.TrimSpace(rest[2:])
			if inner == "" {
				// A block: its lines run to the one that ends with $$, or to the end.
				f, next := displayBlock(src, end)
				if f.TeX != "" || f.Offset >= 0 {
					fs = append(fs, f)
				}
				pos = next
				continue
			}
			if strings.HasSuffix(inner, "$$") && len(inner) >= 2 {
				tex := strings.TrimSpace(inner[:len(inner)-2])
				off := pos + 2 + strings.Index(line[2:], tex)
				if tex == "" {
					// goldmark keeps a node with one empty segment; the formula is empty.
					return nil, false
				}
				fs = append(fs, Formula{TeX: tex, Display: true, Offset: off})
				pos = end + 1
				continue
			}
		}
		more, ok := inlineFormulas(src, pos, end)
		if !ok {
			return nil, false
		}
		fs = append(fs, more...)
		pos = end + 1
	}
	return fs, true
}

// displayBlock reads a $$ block whose opening line ends at open (the '\n'
// or the end of src); it returns the formula and where the next line starts.
func displayBlock(src string, open int) (Formula, int) {
	if open >= len(src) {
		return Formula{Offset: -1}, len(src)
	}
	start := open + 1
	pos := start
	for pos < len(src) {
		end := strings.IndexByte(src[pos:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += pos
		}
		line := src[pos:end]
		if strings.HasSuffix(strings.TrimSpace(line), "$$") {
			inner := strings.TrimSuffix(strings.TrimRight(line, " \t\r\n"), "$$")
			stop := pos
			if strings.TrimSpace(inner) != "" {
				stop = pos + len(inner)
			}
			return block(src[start:stop], start), end + 1
		}
		pos = end + 1
	}
	return block(src[start:], start), len(src)
}

func block(raw string, start int) Formula {
	if raw == "" {
		return Formula{Offset: -1}
	}
	tex := strings.TrimSpace(raw)
	return Formula{TeX: tex, Display: true, Offset: start + leadingSpace([]byte(raw))}
}

// inlineFormulas applies the inline math rule (see mathInlineParser) to the
// line src[from:to]; ok is false when a $ opens a formula the line does not close.
func inlineFormulas(src string, from, to int) (fs []Formula, ok bool) {
	line := src[from:to]
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
			continue
		case '$':
		default:
			continue
		}
		display := i+1 < len(line) && line[i+1] == '$'
		open := 1
		if display {
			open = 2
		}
		if i+open >= len(line) || !display && isSpace(line[i+open]) {
			if i+open >= len(line) {
				// A $ at the end of a line may open a formula on the next one.
				return nil, false
			}
			continue
		}
		closed := false
		for j := i + open; j < len(line); j++ {
			switch line[j] {
			case '\\':
				j++
			case '$':
				if display {
					if j+1 < len(line) && line[j+1] == '$' {
						tex := strings.TrimSpace(line[i+2 : j])
						fs = append(fs, Formula{TeX: tex, Display: true, Offset: from + i + 2 + leadingSpace([]byte(line[i+2:j]))})
						i, closed = j+1, true
					}
				} else if !isSpace(line[j-1]) && !(j+1 < len(line) && line[j+1] >= '0' && line[j+1] <= '9') {
					fs = append(fs, Formula{TeX: line[i+1 : j], Offset: from + i + 1})
					i, closed = j, true
				}
			}
			if closed {
				break
			}
		}
		if !closed {
			return nil, false
		}
	}
	return fs, true
}
