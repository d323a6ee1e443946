// Package exporters defines what every output format implements. Each format
// lives in its own package below this one and knows nothing of the others.
package exporters

import (
	"fmt"
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

// Stripped lists what the sanitizer removed from a card's question, answer
// and extra, e.g. "<script>" or "onclick on <b>".
type Stripped [3][]string

// fieldKeys name a card's Markdown fields, in Stripped order.
var fieldKeys = [3]string{"question", "answer", "extra"}

func sources(c *cards.Card) [3]string { return [3]string{c.Question, c.Answer, c.Extra} }

// RenderCard renders the Markdown fields of c.
func RenderCard(r *render.Renderer, c *cards.Card) (Fields, Stripped, error) {
	var h [3]string
	var s Stripped
	for i, src := range sources(c) {
		var err error
		if h[i], s[i], err = r.Render(src); err != nil {
			return Fields{}, Stripped{}, err
		}
	}
	return Fields{Question: h[0], Answer: h[1], Extra: h[2]}, s, nil
}

// CheckCard returns what RenderCard reports as stripped from c, rendering
// only the fields that could lose markup (render.Renderer.Stripped).
func CheckCard(r *render.Renderer, c *cards.Card) (Stripped, error) {
	var s Stripped
	for i, src := range sources(c) {
		var err error
		if s[i], err = r.Stripped(src); err != nil {
			return Stripped{}, err
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
	for i, stripped := range s {
		key := fieldKeys[i]
		var removed []string
		for _, e := range stripped {
			if src, ok := strings.CutPrefix(e, render.RemotePrefix); ok {
				warns = append(warns, cards.Diagnostic{File: c.File, Line: c.LineOf(key), Severity: cards.Error,
					Message: fmt.Sprintf("card '%s': the %s loads %q from outside the deck; copy the file under the cards folder and reference it by relative path", c.ID, key, src)})
			} else if src, ok := strings.CutPrefix(e, render.LocalPrefix); ok {
				if !slices.ContainsFunc(c.Media, func(m cards.Media) bool { return m.Ref == src || m.Ref == render.DecodedSource(src) }) {
					warns = append(warns, cards.Diagnostic{File: c.File, Line: c.LineOf(key), Severity: cards.Error,
						Message: fmt.Sprintf("card '%s': the %s shows image %q, which would not be packaged; write it as ![alt](path) or <img src=\"path\">", c.ID, key, src)})
				}
			} else {
				removed = append(removed, e)
			}
		}
		stripped = removed
		if len(stripped) > 0 {
			warns = append(warns, cards.Diagnostic{File: c.File, Line: c.LineOf(key), Severity: cards.Warning,
				Message: fmt.Sprintf("card '%s': unsafe HTML removed from the %s: %s", c.ID, key, strings.Join(stripped, ", "))})
		}
	}
	return warns
}
