// Package exporters defines what every output format implements. Each format
// lives in its own package below this one and knows nothing of the others.
package exporters

import (
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/render"
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
}

// Fields is one card's Markdown rendered to HTML.
type Fields struct {
	Question string
	Answer   string
	Extra    string
}

// Rendered holds the HTML of every card, rendered once and shared by all exporters.
type Rendered struct {
	byID map[string]Fields
}

// Get returns the rendered fields of card id.
func (r *Rendered) Get(id string) Fields { return r.byID[id] }

// Render renders every card of d with r, on all cores. Output does not depend on scheduling.
func Render(d *cards.Deck, r *render.Renderer) (*Rendered, error) {
	out := make([]Fields, len(d.Cards))
	errs := make([]error, len(d.Cards))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], errs[i] = renderCard(r, d.Cards[i])
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
	}
	return res, nil
}

func renderCard(r *render.Renderer, c *cards.Card) (Fields, error) {
	var f Fields
	var err error
	if f.Question, err = r.HTML(c.Question); err != nil {
		return f, err
	}
	if f.Answer, err = r.HTML(c.Answer); err != nil {
		return f, err
	}
	f.Extra, err = r.HTML(c.Extra)
	return f, err
}
