// Package exporters defines what every output format implements. Each format
// lives in its own package below this one and knows nothing of the others.
package exporters

import (
	"fmt"
	"html"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/render"
	"github.com/cardgen/cardgen/internal/par"
	"github.com/cardgen/cardgen/lock"
)

// Exporter writes one output format from the loaded deck.
type Exporter interface {
	// Format is the name users pass to --format, e.g. "apkg".
	Format() string
	// Extension is appended to the output file stem, e.g. ".apkg" or ".plain.csv".
	Extension() string
	// Export writes the whole artifact to w. It must not depend on anything
	// but in: no wall-clock time, no map order, no absolute paths.
	Export(w io.Writer, in *Input) error
}

// Input is everything an exporter may read.
type Input struct {
	// Deck holds the selected cards in set order.
	Deck *cards.Deck
	// Full is the whole deck the selection was taken from.
	Full *cards.Deck
	// Target names the build target ("all" for the full deck).
	Target string
	// HTML has the rendered fields of every card of Full.
	HTML *Rendered
	// Epoch is the build's fixed time (SOURCE_DATE_EPOCH), used where a format needs a date.
	Epoch time.Time
	// Lock is the lock updated over Full for this build: every note's mod and
	// the retired cards (docs/anki.md).
	Lock *lock.Lock
	// Paper is the paper size of printable formats ("a4" or "letter"); empty means a4.
	Paper string
	// Warn reports a problem that does not stop the build; nil discards it.
	Warn func(format string, args ...any)
}

// Warnf reports a warning through Warn, if set.
func (in *Input) Warnf(format string, args ...any) {
	if in.Warn != nil {
		in.Warn(format, args...)
	}
}

// UnavailableError is returned by an exporter whose format cannot be written
// on this machine, such as pdf without a browser. The build still writes every
// other artifact, then fails with this message.
type UnavailableError struct {
	Format string
	// Reason says what is missing and how to install it.
	Reason string
}

func (e *UnavailableError) Error() string { return e.Format + ": " + e.Reason }

// Fields is one card's Markdown rendered to HTML.
type Fields struct {
	Question string
	Answer   string
	Extra    string
	// Values are a declared note type's fields rendered, in its order; nil
	// for the built-in types.
	Values []string
}

// Shown is f as the reading outputs show card c, in HTML: what
// cards.Card.Shown gives in Markdown. A built-in card's fields are as they
// are; a declared note type's question field is the question, and every
// other non-empty field a section of the answer headed by its name in bold.
func Shown(c *cards.Card, f Fields) Fields {
	if c.NoteType == nil {
		return f
	}
	q := c.QuestionField()
	var answer strings.Builder
	for i, fld := range c.NoteType.Fields {
		if i == q || i >= len(f.Values) || strings.TrimSpace(c.Fields[i]) == "" {
			continue
		}
		if answer.Len() > 0 {
			answer.WriteByte('\n')
		}
		answer.WriteString("<p><strong>" + html.EscapeString(fld.Name) + "</strong></p>\n")
		answer.WriteString(strings.TrimSuffix(f.Values[i], "\n"))
	}
	return Fields{Question: f.Values[q], Answer: answer.String()}
}

// fieldsOf assembles rendered sources (in cards.Card.Sources order).
func fieldsOf(c *cards.Card, h []string) Fields {
	if c.NoteType != nil {
		return Fields{Values: h}
	}
	return Fields{Question: h[0], Answer: h[1], Extra: h[2]}
}

// Rendered holds the HTML of every card, rendered once and shared by all exporters.
type Rendered struct {
	byID map[string]Fields
	// Warnings name each card field whose HTML the sanitizer cut, in set order.
	Warnings cards.Diagnostics
}

// Get returns the rendered fields of card id.
func (r *Rendered) Get(id string) Fields { return r.byID[id] }

// Render renders every card of d with r, on all cores. Output does not depend on scheduling.
func Render(d *cards.Deck, r *render.Renderer) (*Rendered, error) {
	fields := make([]Fields, len(d.Cards))
	stripped := make([]Stripped, len(d.Cards))
	errs := make([]error, len(d.Cards))
	par.Do(len(d.Cards), func(i int) { fields[i], stripped[i], errs[i] = RenderCard(r, d.Cards[i]) })
	for i, err := range errs {
		if err != nil {
			return nil, CardError(d.Cards[i], err)
		}
	}
	return NewRendered(d.Cards, fields, stripped), nil
}

// NewRendered assembles the fields and stripped markup of cs, given in the order of cs.
func NewRendered(cs []*cards.Card, fields []Fields, stripped []Stripped) *Rendered {
	res := &Rendered{byID: make(map[string]Fields, len(cs))}
	for i, c := range cs {
		res.byID[c.ID] = fields[i]
		res.Warnings = append(res.Warnings, stripped[i].Warnings(c)...)
	}
	return res
}

// Stripped lists what the sanitizer removed from each Markdown field of a
// card (cards.Card.Sources order), e.g. "<script>" or "onclick on <b>".
type Stripped [][]string

// RenderCard renders the Markdown fields of c.
func RenderCard(r *render.Renderer, c *cards.Card) (Fields, Stripped, error) {
	src := c.Sources()
	h := make([]string, len(src))
	s := make(Stripped, len(src))
	for i, text := range src {
		var err error
		if h[i], s[i], err = r.Render(text); err != nil {
			return Fields{}, nil, err
		}
	}
	return fieldsOf(c, h), s, nil
}

// CheckCard returns what RenderCard reports as stripped from c, rendering
// only the fields that could lose markup (render.Renderer.Stripped).
func CheckCard(r *render.Renderer, c *cards.Card) (Stripped, error) {
	src := c.Sources()
	s := make(Stripped, len(src))
	for i, text := range src {
		var err error
		if s[i], err = r.Stripped(text); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// CardError names the card in which RenderCard or CheckCard failed.
func CardError(c *cards.Card, err error) error {
	return fmt.Errorf("%s:%d: card '%s': %w", c.File, c.Line, c.ID, err)
}

// Warnings are the diagnostics for what was stripped from c, one per field.
func (s Stripped) Warnings(c *cards.Card) cards.Diagnostics {
	var warns cards.Diagnostics
	keys := c.SourceKeys()
	for i, stripped := range s {
		if i >= len(keys) {
			break
		}
		// key locates the field; name is how a message calls it ("Meaning", not "fields.Meaning").
		key := keys[i]
		name := strings.TrimPrefix(key, "fields.")
		var removed []string
		for _, e := range stripped {
			if src, ok := strings.CutPrefix(e, render.RemotePrefix); ok {
				warns = append(warns, cards.Diagnostic{File: c.File, Line: c.LineOf(key), Severity: cards.Error,
					Message: fmt.Sprintf("card '%s': the %s loads %q from outside the deck; copy the file under the cards folder and reference it by relative path", c.ID, name, src)})
			} else if src, ok := strings.CutPrefix(e, render.LocalPrefix); ok {
				if !slices.ContainsFunc(c.Media, func(m cards.Media) bool { return m.Ref == src || m.Ref == render.DecodedSource(src) }) {
					warns = append(warns, cards.Diagnostic{File: c.File, Line: c.LineOf(key), Severity: cards.Error,
						Message: fmt.Sprintf("card '%s': the %s shows image %q, which would not be packaged; write it as ![alt](path) or <img src=\"path\">", c.ID, name, src)})
				}
			} else {
				removed = append(removed, e)
			}
		}
		stripped = removed
		if len(stripped) > 0 {
			warns = append(warns, cards.Diagnostic{File: c.File, Line: c.LineOf(key), Severity: cards.Warning,
				Message: fmt.Sprintf("card '%s': unsafe HTML removed from the %s: %s", c.ID, name, strings.Join(stripped, ", "))})
		}
	}
	return warns
}
