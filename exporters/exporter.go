// Package exporters defines what every output format implements. Each format
// lives in its own package below this one and knows nothing of the others.
package exporters

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/render"
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
	out := make([]Fields, len(d.Cards))
	warns := make([]cards.Diagnostics, len(d.Cards))
	errs := make([]error, len(d.Cards))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], warns[i], errs[i] = renderCard(r, d.Cards[i])
			}
		}()
	}
	for i := range d.Cards {
		next <- i
	}
	close(next)
	wg.Wait()
	res := &Rendered{byID: make(map[string]Fields, len(d.Cards))}
	for i, c := range d.Cards {
		if errs[i] != nil {
			return nil, fmt.Errorf("%s:%d: card '%s': %w", c.File, c.Line, c.ID, errs[i])
		}
		res.byID[c.ID] = out[i]
		res.Warnings = append(res.Warnings, warns[i]...)
	}
	return res, nil
}

func renderCard(r *render.Renderer, c *cards.Card) (Fields, cards.Diagnostics, error) {
	var f Fields
	var warns cards.Diagnostics
	for _, field := range []struct {
		key string
		src string
		dst *string
	}{{"question", c.Question, &f.Question}, {"answer", c.Answer, &f.Answer}, {"extra", c.Extra, &f.Extra}} {
		h, stripped, err := r.Render(field.src)
		if err != nil {
			return f, nil, err
		}
		*field.dst = h
		if len(stripped) > 0 {
			warns = append(warns, cards.Diagnostic{File: c.File, Line: c.LineOf(field.key), Severity: cards.Warning,
				Message: fmt.Sprintf("card '%s': unsafe HTML removed from the %s: %s", c.ID, field.key, strings.Join(stripped, ", "))})
		}
	}
	return f, warns, nil
}
