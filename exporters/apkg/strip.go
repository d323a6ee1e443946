package apkg

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"html"
	"strings"
)

// stripHTMLMedia is Anki's stripHTMLMedia (anki-format.md §2.3): an <img>
// becomes " name ", comments, <style> and <script> blocks and every other tag
// are removed, then entities are decoded with &nbsp; as a plain space. It is a
// single scan rather than Anki's chain of regular expressions, which would
// dominate the export time of a large deck; the tests check it against that chain.
func stripHTMLMedia(s string) string {
	if strings.IndexByte(s, '<') < 0 && strings.IndexByte(s, '&') < 0 {
		return s
	}
	return string(appendStripHTMLMedia(nil, s))
}

// appendStripHTMLMedia appends stripHTMLMedia(s) to b.
func appendStripHTMLMedia(b []byte, s string) []byte {
	start := len(b)
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			b = append(b, s[i:]...)
			break
		}
		b = append(b, s[i:i+j]...)
		i += j
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			if k := strings.Index(rest[4:], "-->"); k >= 0 {
				i += 4 + k + 3
				continue
			}
		case hasPrefixFold(rest, "<style"):
			if k := skipBlock(rest, "</style>"); k > 0 {
				i += k
				continue
			}
		case hasPrefixFold(rest, "<script"):
			if k := skipBlock(rest, "</script>"); k > 0 {
				i += k
				continue
			}
		case hasPrefixFold(rest, "<img") && len(rest) > 4 && rest[4] != '>':
			if k := strings.IndexByte(rest, '>'); k >= 0 {
				if src, ok := imgSrc(rest[4:k]); ok {
					b = append(append(append(b, ' '), src...), ' ')
					i += k + 1
					continue
				}
			}
		}
		// Any other tag, up to the first '>'; a '<' with no '>' after it stays.
		k := strings.IndexByte(rest, '>')
		if k < 0 {
			b = append(b, rest...)
			break
		}
		i += k + 1
	}
	if bytes.IndexByte(b[start:], '&') < 0 {
		return b
	}
	out := html.UnescapeString(strings.ReplaceAll(string(b[start:]), "&nbsp;", " "))
	// Modern Anki also turns a decoded no-break space into a space (§2.3).
	return append(b[:start], strings.ReplaceAll(out, "\u00a0", " ")...)
}

// skipBlock returns the length of s up to and including the first '>' and then
// the closing tag (case-insensitive), or 0 when either is missing.
func skipBlock(s, closing string) int {
	open := strings.IndexByte(s, '>')
	if open < 0 {
		return 0
	}
	k := indexFold(s[open+1:], closing)
	if k < 0 {
		return 0
	}
	return open + 1 + k + len(closing)
}

// imgSrc finds the file name in the attributes of an <img> tag the way
// Anki's `<img[^>]+src=["']?([^"'>]+)` does: the last src= that has a value.
func imgSrc(attrs string) (string, bool) {
	lower := strings.ToLower(attrs)
	for end := len(lower); ; {
		k := strings.LastIndex(lower[:end], "src=")
		if k < 1 { // [^>]+ needs at least one character before src=
			return "", false
		}
		v := attrs[k+4:]
		if v != "" && (v[0] == '"' || v[0] == '\'') {
			v = v[1:]
		}
		n := strings.IndexAny(v, `"'>`)
		if n < 0 {
			n = len(v)
		}
		if n > 0 {
			return v[:n], true
		}
		end = k
	}
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// fieldChecksum is Anki's csum: the first 4 bytes of the SHA-1 of the
// stripped first field, as a big-endian unsigned integer (§2.3).
func fieldChecksum(first string) int64 {
	sum := sha1.Sum([]byte(stripHTMLMedia(first)))
	return int64(binary.BigEndian.Uint32(sum[:4]))
}
