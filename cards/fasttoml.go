package cards

import (
	"bytes"
	"strings"
)

// decodeFast decodes the plain shape nearly every topic file has, ten
// times faster than the TOML decoder: an optional topic = "…", then
// [[cards]] tables of known keys with string or one-line string-array
// values, comments and blank lines. At anything else (another table, an
// unknown or repeated key, an escape beyond \" \\ \n \t \r \b \f, a control
// character, a string that ends in more quotes than its delimiter, a
// multi-line array...) it gives up, and the TOML decoder decides, errors
// included. FuzzDecodeFast checks it against the decoder.
func decodeFast(data []byte) (doc fileDoc, ok bool) {
	p := fastParser{rest: data}
	var card *cardDoc
	var seen uint16 // keys already set in the current table, by cardKeys index (bit 15: topic)
	for len(p.rest) > 0 {
		line := p.peekLine()
		trimmed := bytes.TrimLeft(line, " \t")
		switch {
		case len(trimmed) == 0 || trimmed[0] == '#':
			if !validComment(trimmed) {
				return fileDoc{}, false
			}
			p.skipLine()
			continue
		case trimmed[0] == '[':
			if string(bytes.TrimRight(trimmed, " \t")) != "[[cards]]" {
				return fileDoc{}, false
			}
			doc.Cards = append(doc.Cards, cardDoc{})
			card, seen = &doc.Cards[len(doc.Cards)-1], 0
			p.skipLine()
			continue
		}
		p.rest = p.rest[len(line)-len(trimmed):]
		key := p.bareKey()
		if !p.skipSpace() || !p.consume('=') || !p.skipSpace() {
			return fileDoc{}, false
		}
		var dst *string
		var list *[]string
		var bit uint16
		if card == nil {
			if key != "topic" {
				return fileDoc{}, false
			}
			dst, bit = &doc.Topic, 1<<15
		} else {
			switch key {
			case "id":
				dst, bit = &card.ID, 1<<0
			case "type":
				dst, bit = &card.Type, 1<<1
			case "question":
				dst, bit = &card.Question, 1<<2
			case "answer":
				dst, bit = &card.Answer, 1<<3
			case "extra":
				dst, bit = &card.Extra, 1<<4
			case "source":
				dst, bit = &card.Source, 1<<5
			case "topics":
				list, bit = &card.Topics, 1<<6
			case "tags":
				list, bit = &card.Tags, 1<<7
			case "guid":
				dst, bit = &card.GUID, 1<<8
			default:
				return fileDoc{}, false
			}
		}
		if seen&bit != 0 {
			return fileDoc{}, false
		}
		seen |= bit
		if dst != nil {
			s, ok := p.stringValue()
			if !ok {
				return fileDoc{}, false
			}
			*dst = s
		} else {
			ss, ok := p.arrayValue()
			if !ok {
				return fileDoc{}, false
			}
			*list = ss
		}
		if !p.endOfLine() {
			return fileDoc{}, false
		}
	}
	return doc, true
}

type fastParser struct{ rest []byte }

func (p *fastParser) peekLine() []byte {
	if i := bytes.IndexByte(p.rest, '\n'); i >= 0 {
		return p.rest[:i]
	}
	return p.rest
}

func (p *fastParser) skipLine() {
	if i := bytes.IndexByte(p.rest, '\n'); i >= 0 {
		p.rest = p.rest[i+1:]
	} else {
		p.rest = nil
	}
}

func (p *fastParser) bareKey() string {
	i := 0
	for i < len(p.rest) && isBareKey(p.rest[i]) {
		i++
	}
	k := string(p.rest[:i])
	p.rest = p.rest[i:]
	return k
}

// skipSpace skips spaces and tabs; it always succeeds, for chaining.
func (p *fastParser) skipSpace() bool {
	p.rest = bytes.TrimLeft(p.rest, " \t")
	return true
}

func (p *fastParser) consume(c byte) bool {
	if len(p.rest) == 0 || p.rest[0] != c {
		return false
	}
	p.rest = p.rest[1:]
	return true
}

// endOfLine accepts spaces, a comment and the line break after a value.
func (p *fastParser) endOfLine() bool {
	p.skipSpace()
	line := p.peekLine()
	if len(line) > 0 && (line[0] != '#' || !validComment(line)) {
		return false
	}
	p.skipLine()
	return true
}

// validComment refuses control characters other than tab, as TOML does.
func validComment(s []byte) bool {
	for _, c := range s {
		if c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func (p *fastParser) stringValue() (string, bool) {
	switch {
	case bytes.HasPrefix(p.rest, []byte("'''")):
		return p.multiline("'''", false)
	case bytes.HasPrefix(p.rest, []byte(`"""`)):
		return p.multiline(`"""`, true)
	case len(p.rest) > 0 && p.rest[0] == '\'':
		return p.literal()
	case len(p.rest) > 0 && p.rest[0] == '"':
		return p.basic()
	}
	return "", false
}

func (p *fastParser) literal() (string, bool) {
	line := p.peekLine()
	end := bytes.IndexByte(line[1:], '\'')
	if end < 0 {
		return "", false
	}
	s := line[1 : 1+end]
	if !plainText(s, false) {
		return "", false
	}
	p.rest = p.rest[end+2:]
	return string(s), true
}

func (p *fastParser) basic() (string, bool) {
	line := p.peekLine()
	var b strings.Builder
	for i := 1; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '"':
			p.rest = p.rest[i+1:]
			return b.String(), true
		case c == '\\':
			if i+1 >= len(line) {
				return "", false
			}
			i++
			e, ok := escapes[line[i]]
			if !ok {
				return "", false
			}
			b.WriteByte(e)
		case c < 0x20 && c != '\t' || c == 0x7f:
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return "", false
}

var escapes = map[byte]byte{'"': '"', '\\': '\\', 'n': '\n', 't': '\t', 'r': '\r', 'b': '\b', 'f': '\f'}

// multiline reads a ”'…”' string, or a """…""" one without any backslash.
func (p *fastParser) multiline(delim string, basic bool) (string, bool) {
	body := p.rest[3:]
	end := bytes.Index(body, []byte(delim))
	if end < 0 || end+3 < len(body) && body[end+3] == delim[0] {
		return "", false // unterminated, or quotes before the delimiter: the decoder decides
	}
	s := body[:end]
	if basic && bytes.IndexByte(s, '\\') >= 0 || !plainText(s, true) {
		return "", false
	}
	p.rest = body[end+3:]
	// A line break right after the opening delimiter is not part of the string.
	s = bytes.TrimPrefix(s, []byte("\n"))
	return string(s), true
}

// plainText refuses control characters other than tab, and line breaks unless multi.
func plainText(s []byte, multi bool) bool {
	for _, c := range s {
		if c < 0x20 && c != '\t' && !(multi && c == '\n') || c == 0x7f {
			return false
		}
	}
	return true
}

// arrayValue reads a one-line array of strings.
func (p *fastParser) arrayValue() ([]string, bool) {
	if !p.consume('[') {
		return nil, false
	}
	out := []string{}
	for {
		p.skipSpace()
		if p.consume(']') {
			return out, true
		}
		if len(p.rest) == 0 || p.rest[0] != '"' && p.rest[0] != '\'' || bytes.HasPrefix(p.rest, []byte("'''")) || bytes.HasPrefix(p.rest, []byte(`"""`)) {
			return nil, false
		}
		s, ok := p.stringValue()
		if !ok {
			return nil, false
		}
		out = append(out, s)
		p.skipSpace()
		if p.consume(']') {
			return out, true
		}
		if !p.consume(',') {
			return nil, false
		}
	}
}
