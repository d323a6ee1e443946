package exporters_test

import (
	"testing"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/render"
	"github.com/cardgen/cardgen/internal/benchset"
)

// BenchmarkRender measures rendering every card of a synthetic set on every core, as a build does.
func BenchmarkRender(b *testing.B) {
	sets := benchset.New(b)
	for _, size := range benchset.Sizes {
		b.Run(size.Name, func(b *testing.B) {
			deck, ds := cards.Load(sets.Config(b, size.N))
			if deck == nil {
				b.Fatal(ds)
			}
			r := render.New()
			for b.Loop() {
				if _, err := exporters.Render(deck, r); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(size.N), "ns/card")
		})
	}
}
