package csvdeck

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/ankinote"
)

// Anki writes a text-import file for Anki 2.1.55 and later: the file headers
// select separator, HTML, note type, deck, tags and GUID columns, so the
// import needs no choices in the dialog, and rows update the notes the .apkg
// created because they carry the same GUIDs.
type Anki struct{}

// Format implements exporters.Exporter.
func (Anki) Format() string { return "csv" }

// Extension implements exporters.Exporter.
func (Anki) Extension() string { return ".csv" }

// Tab is the separator: HTML fields are full of commas, semicolons and colons.
const ankiSep = '\t'

// Export implements exporters.Exporter.
func (Anki) Export(w io.Writer, in *exporters.Input) error {
	cfg := in.Deck.Config
	media, err := ankinote.MediaNames(cfg.Deck.Namespace, in.Deck.Cards)
	if err != nil {
		return err
	}
	l := ankiLayout(cfg, in.Deck.Cards)
	for _, h := range l.headers() {
		if _, err := io.WriteString(w, h+"\n"); err != nil {
			return err
		}
	}
	for _, c := range in.Deck.Cards {
		values := ankinote.Values(c, in.HTML.Get(c.ID), media)
		if len(values) > l.fields {
			return fmt.Errorf("%s:%d: card '%s' has %d fields, more than the %d field columns", c.File, c.Line, c.ID, len(values), l.fields)
		}
		row := make([]string, 0, l.columns())
		for _, v := range values {
			row = append(row, oneLine(v))
		}
		for len(row) < l.fields {
			row = append(row, "")
		}
		row = append(row,
			strings.Join(ankinote.Tags(c), " "),
			ankinote.DeckName(cfg, c.Topic),
			strconv.FormatInt(ankinote.For(cfg, c.Type).ID, 10),
			ankinote.GUID(cfg.Deck.Namespace, c),
		)
		if err := writeRecord(w, ankiSep, "\n", row); err != nil {
			return err
		}
	}
	return nil
}

// layout is the column plan of an Anki CSV: the note fields first (so the
// first column is the card ID every note type starts with), then tags, deck,
// note type and GUID.
type layout struct {
	// fields is the number of field columns: the largest field count of the deck's note types.
	fields int
	// labels names the field columns.
	labels []string
	// noteType is the one note type of every row, or 0 when rows mix note types.
	noteType int64
}

func ankiLayout(cfg *cards.Config, cs []*cards.Card) layout {
	var l layout
	all := ankinote.All(cfg)
	for _, nt := range all {
		l.fields = max(l.fields, len(nt.Fields))
	}
	var used []ankinote.NoteType
	for _, nt := range all {
		if slices.ContainsFunc(cs, func(c *cards.Card) bool { return c.Type == nt.Kind }) {
			used = append(used, nt)
		}
	}
	if len(used) == 1 {
		l.noteType = used[0].ID
	}
	// With one note type, Anki maps fields by these names; with several, by position.
	for i := 0; i < l.fields; i++ {
		var names []string
		for _, nt := range used {
			if i < len(nt.Fields) && !slices.Contains(names, nt.Fields[i]) {
				names = append(names, nt.Fields[i])
			}
		}
		l.labels = append(l.labels, strings.Join(names, "/"))
	}
	return l
}

func (l layout) columns() int    { return l.fields + 4 }
func (l layout) tagsColumn() int { return l.fields + 1 }
func (l layout) deckColumn() int { return l.fields + 2 }
func (l layout) typeColumn() int { return l.fields + 3 }
func (l layout) guidColumn() int { return l.fields + 4 }

// headers are Anki's file headers, spelled exactly as its importer parses
// them: no space after the colon, and #separator: before #columns:.
func (l layout) headers() []string {
	h := []string{"#separator:tab", "#html:true"}
	if l.noteType != 0 {
		h = append(h, "#notetype:"+strconv.FormatInt(l.noteType, 10))
	} else {
		h = append(h, "#notetype column:"+strconv.Itoa(l.typeColumn()))
	}
	h = append(h,
		"#deck column:"+strconv.Itoa(l.deckColumn()),
		"#tags column:"+strconv.Itoa(l.tagsColumn()),
		"#guid column:"+strconv.Itoa(l.guidColumn()),
		"#if matches:update current",
	)
	cols := append(slices.Clone(l.labels), "Tags", "Deck", "Notetype", "GUID")
	return append(h, "#columns:"+strings.Join(cols, "\t"))
}

// oneLine removes every raw line break from an HTML field. Outside <pre> a
// line break is white space, so a space renders the same; inside <pre> it is
// a break, so it becomes <br>. Anki 2.1.15 drops every physical line that
// starts with '#', even inside a quoted field (anki-format.md §4.2, §5.1).
func oneLine(h string) string {
	h = strings.ReplaceAll(h, "\r\n", "\n")
	h = strings.ReplaceAll(h, "\r", "\n")
	if !strings.Contains(h, "\n") {
		return h
	}
	var b strings.Builder
	b.Grow(len(h) + 3*strings.Count(h, "\n"))
	depth := 0
	// Bytes are copied in runs up to the next '\n' or '<', the only ones that matter here.
	for i := 0; i < len(h); {
		if j := strings.IndexAny(h[i:], "\n<"); j != 0 {
			if j < 0 {
				j = len(h) - i
			}
			b.WriteString(h[i : i+j])
			i += j
			continue
		}
		switch {
		case h[i] == '\n' && depth > 0:
			b.WriteString("<br>")
		case h[i] == '\n':
			b.WriteByte(' ')
		default:
			switch {
			case hasTagPrefix(h[i:], "<pre"):
				depth++
			case hasTagPrefix(h[i:], "</pre"):
				depth = max(depth-1, 0)
			}
			b.WriteByte(h[i])
		}
		i++
	}
	return b.String()
}

// hasTagPrefix reports whether s starts with the tag name p, case-insensitively,
// followed by the end of the name ("<pre>" or "<pre class=…", not "<prefix>").
func hasTagPrefix(s, p string) bool {
	if len(s) <= len(p) || !strings.EqualFold(s[:len(p)], p) {
		return false
	}
	switch s[len(p)] {
	case '>', ' ', '\t', '\n', '/':
		return true
	}
	return false
}
