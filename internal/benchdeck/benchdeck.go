// Package benchdeck gives exporter benchmarks what a build gives exporters:
// a synthetic set loaded, rendered and locked.
package benchdeck

import (
	"testing"
	"time"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/apkg"
	"github.com/cardgen/cardgen/exporters/render"
	"github.com/cardgen/cardgen/internal/benchset"
	"github.com/cardgen/cardgen/lock"
)

// Input loads, renders and locks the set of n cards of sets, as build.Run would.
func Input(tb testing.TB, sets *benchset.Sets, n int) *exporters.Input {
	tb.Helper()
	deck, ds := cards.Load(sets.Config(tb, n))
	if deck == nil {
		tb.Fatal(ds)
	}
	html, err := exporters.Render(deck, render.Default())
	if err != nil {
		tb.Fatal(err)
	}
	states, noteTypes, err := apkg.LockState(deck, html)
	if err != nil {
		tb.Fatal(err)
	}
	epoch := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	next, _ := lock.New().Update(states, noteTypes, epoch.Unix())
	return &exporters.Input{Deck: deck, Full: deck, Target: cards.FullTarget, HTML: html, Epoch: epoch, Lock: next}
}

// Run benchmarks e on every size of benchset.Sizes, reporting the output size.
func Run(b *testing.B, e exporters.Exporter) {
	sets := benchset.New(b)
	for _, size := range benchset.Sizes {
		b.Run(size.Name, func(b *testing.B) {
			in := Input(b, sets, size.N)
			var out counter
			b.ReportAllocs()
			for b.Loop() {
				out = 0
				if err := e.Export(&out, in); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(out)/(1<<20), "MB")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(size.N), "ns/card")
		})
	}
}

type counter int64

func (c *counter) Write(p []byte) (int, error) { *c += counter(len(p)); return len(p), nil }

// WriteString makes counter an io.StringWriter, as the build's buffered file is.
func (c *counter) WriteString(s string) (int, error) { *c += counter(len(s)); return len(s), nil }
