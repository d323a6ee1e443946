package render

import (
	"testing"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/internal/benchset"
)

// BenchmarkRender measures rendering every field of a synthetic set on one core.
func BenchmarkRender(b *testing.B) {
	sets := benchset.New(b)
	for _, size := range benchset.Sizes {
		b.Run(size.Name, func(b *testing.B) {
			deck, ds := cards.Load(sets.Config(b, size.N))
			if deck == nil {
				b.Fatal(ds)
			}
			r := New()
			b.ReportAllocs()
			for b.Loop() {
				for _, c := range deck.Cards {
					for _, src := range []string{c.Question, c.Answer, c.Extra} {
						if _, _, err := r.Render(src); err != nil {
							b.Fatal(err)
						}
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(size.N), "ns/card")
		})
	}
}
