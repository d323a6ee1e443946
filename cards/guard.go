package cards

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/cardgen/cardgen/internal/safefile"
)

// Limits on input no real question set approaches. They bound the work and
// memory of the TOML decoder, which has none of its own: deeply nested
// inline tables or arrays exhaust memory or the stack, and so does a key of
// thousands of dotted parts (BurntSushi/toml issue #496).
const (
	// MaxTopicFileBytes caps one topic file (the 300,000-card benchmark's files are 35 MB).
	MaxTopicFileBytes = 256 << 20
	// MaxConfigBytes caps config.toml.
	MaxConfigBytes = 1 << 20
	// MaxNesting is the deepest nesting of arrays and inline tables (topic files use 2).
	MaxNesting = 16
	// MaxKeyParts is the most dotted parts of one key or table header (topic files use 1).
	MaxKeyParts = 16
	// MaxBareRun is the longest bare key, number or word outside strings.
	MaxBareRun = 1024
	// MaxCloze is Anki's highest cloze number: it makes card ordinals
	// min(n-1, 499), so deletions past c500 would share one card.
	MaxCloze = 500
)

// readInput reads a file the set is made of: a regular file under limit bytes.
func readInput(path string, limit int64) ([]byte, error) {
	data, err := safefile.ReadFile(path, limit)
	if errors.Is(err, safefile.ErrTooLarge) {
		return nil, fmt.Errorf("the file is over %d MiB, larger than any question set needs; split it", limit>>20)
	}
	if errors.Is(err, safefile.ErrNotRegular) {
		return nil, fmt.Errorf("not a regular file (a device, FIFO or folder); replace it with a text file")
	}
	return data, err
}

// checkShape scans TOML text once, in linear time, for nesting, dotted keys
// and bare words past the limits, before any decoder sees it. It returns
// the message and line of the first problem.
func checkShape(data []byte) (msg string, line int) {
	line = 1
	depth, parts, run := 0, 0, 0
	n := len(data)
	for i := 0; i < n; i++ {
		c := data[i]
		if isBare(c) {
			if run++; run > MaxBareRun {
				return fmt.Sprintf("a key or value of more than %d characters outside quotes; quote long text", MaxBareRun), line
			}
			continue
		}
		run = 0
		switch c {
		case '\n':
			line++
			parts = 0
		case '#':
			for i < n && data[i] != '\n' {
				i++
			}
			i--
		case '"', '\'':
			end, lines, ok := skipString(data, i)
			if !ok {
				return "", 0 // the decoder reports the unclosed string
			}
			line += lines
			i = end - 1
		case '[', '{':
			if depth++; depth > MaxNesting {
				return fmt.Sprintf("arrays or inline tables nested more than %d deep; a topic file needs 2", MaxNesting), line
			}
			parts = 0
		case ']', '}':
			depth = max(depth-1, 0)
			parts = 0
		case '.':
			if parts++; parts >= MaxKeyParts {
				return fmt.Sprintf("a key with more than %d dotted parts; a topic file needs 1", MaxKeyParts), line
			}
		case '=', ',':
			parts = 0
		}
	}
	return "", 0
}

func isBare(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// skipString returns the index just past the string starting at data[i],
// and the line breaks inside it; ok is false when it is not closed.
func skipString(data []byte, i int) (end, lines int, ok bool) {
	q := data[i]
	basic := q == '"'
	if bytes.HasPrefix(data[i:], []byte{q, q, q}) {
		for j := i + 3; j < len(data); j++ {
			switch {
			case basic && data[j] == '\\':
				if j+1 < len(data) && data[j+1] == '\n' {
					lines++
				}
				j++
			case data[j] == '\n':
				lines++
			case data[j] == q && bytes.HasPrefix(data[j:], []byte{q, q, q}):
				// Up to two more quotes may close the string's content.
				k := j + 3
				for k < len(data) && k < j+5 && data[k] == q {
					k++
				}
				return k, lines, true
			}
		}
		return 0, 0, false
	}
	for j := i + 1; j < len(data); j++ {
		switch {
		case basic && data[j] == '\\':
			j++
		case data[j] == '\n':
			return 0, 0, false
		case data[j] == q:
			return j + 1, 0, true
		}
	}
	return 0, 0, false
}

// controlIn returns the first control character of s other than tab and
// line breaks (the CSV writers handle those): Anki separates fields with U+001F, and U+0000 ends C strings.
func controlIn(s string) (rune, bool) {
	for _, r := range s {
		if r != '\t' && r != '\n' && r != '\r' && (unicode.IsControl(r) || r == '\u2028' || r == '\u2029') {
			return r, true
		}
	}
	return 0, false
}

// ReservedTagPrefixes are the tag namespaces cardgen writes itself.
var ReservedTagPrefixes = []string{"cardgen::", "topic::"}

// CheckTag returns why tag cannot be a tag, or "" when it can: Anki splits
// tags on any space, so none may hold a space, quote or control character.
func CheckTag(tag string) string {
	if tag == "" {
		return "it is empty"
	}
	for _, r := range tag {
		switch {
		case unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff':
			return fmt.Sprintf("it contains the space U+%04X; Anki splits tags on spaces: use '-' or '::' instead", r)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return fmt.Sprintf("it contains the control character U+%04X", r)
		case r == '"':
			return "it contains a quote"
		}
	}
	lower := strings.ToLower(tag)
	for _, p := range ReservedTagPrefixes {
		if strings.HasPrefix(lower, p) {
			return fmt.Sprintf("tags starting with '%s' are reserved for the tags cardgen adds", p)
		}
	}
	return ""
}
