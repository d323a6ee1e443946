// Package csvdeck writes the deck as CSV: a text-import file that Anki reads
// as notes (format "csv"), and a plain table for spreadsheets (format
// "csv-plain"). docs/csv.md describes both files column by column.
package csvdeck

import (
	"io"
	"strings"
)

// writeRecord writes one CSV record ending in eol. A field is quoted when it
// holds the separator, a quote or a line break, or begins with '#' or a
// space, which encoding/csv does not do for '#' (anki-format.md §4.1).
func writeRecord(w io.Writer, sep byte, eol string, fields []string) error {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(sep)
		}
		if needsQuotes(f, sep) {
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(f, `"`, `""`))
			b.WriteByte('"')
		} else {
			b.WriteString(f)
		}
	}
	b.WriteString(eol)
	_, err := io.WriteString(w, b.String())
	return err
}

func needsQuotes(f string, sep byte) bool {
	if f == "" {
		return false
	}
	if f[0] == '#' || f[0] == ' ' {
		return true
	}
	return strings.IndexByte(f, sep) >= 0 || strings.ContainsAny(f, "\"\r\n")
}
