package csvdeck

import (
	"io"
	"strings"

	"github.com/cardgen/cardgen/exporters"
)

// Plain writes a table for spreadsheets: a header row, then one row per card
// with its Markdown as written. It starts with a UTF-8 byte order mark, which
// Excel needs to read the file as UTF-8, and uses CRLF line endings (RFC 4180).
type Plain struct{}

// Format implements exporters.Exporter.
func (Plain) Format() string { return "csv-plain" }

// Extension implements exporters.Exporter.
func (Plain) Extension() string { return ".plain.csv" }

// BOM is the UTF-8 byte order mark the spreadsheet CSV starts with.
const BOM = "\ufeff"

// PlainHeader is the spreadsheet CSV's header row.
var PlainHeader = []string{"id", "topics", "tags", "question", "answer", "source"}

// Export implements exporters.Exporter.
func (Plain) Export(w io.Writer, in *exporters.Input) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return err
	}
	if err := writeRecord(w, ',', "\r\n", PlainHeader); err != nil {
		return err
	}
	for _, c := range in.Deck.Cards {
		// A declared note type's card shows its fields as question and answer (cards.Card.Shown).
		question, answer, _ := c.Shown()
		row := []string{
			c.ID,
			strings.Join(c.Topics, " "),
			strings.Join(c.Tags, " "),
			question,
			answer,
			c.Source,
		}
		for i := range row {
			row[i] = Neutralize(strings.ReplaceAll(row[i], "\r\n", "\n"))
		}
		if err := writeRecord(w, ',', "\r\n", row); err != nil {
			return err
		}
	}
	return nil
}

// Neutralize keeps a spreadsheet from reading a cell as a formula: a cell
// that begins with = + - @ tab or carriage return gets a leading single
// quote, as the OWASP guidance on CSV injection recommends.
func Neutralize(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
