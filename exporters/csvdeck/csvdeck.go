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
	// Pieces go straight to w (buffered by the build): a string per record was most of the allocation.
	var err error
	put := func(s string) {
		if err == nil {
			_, err = io.WriteString(w, s)
		}
	}
	seps := string(sep)
	for i, f := range fields {
		if i > 0 {
			put(seps)
		}
		if !needsQuotes(f, sep) {
			put(f)
			continue
		}
		put(`"`)
		for {
			j := strings.IndexByte(f, '"')
			if j < 0 {
				break
			}
			put(f[:j+1])
			put(`"`)
			f = f[j+1:]
		}
		put(f)
		put(`"`)
	}
	put(eol)
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
