package cards

import (
	"testing"

	"github.com/cardgen/cardgen/internal/benchset"
)

// BenchmarkLoad measures reading, decoding and checking every topic file.
func BenchmarkLoad(b *testing.B) {
	sets := benchset.New(b)
	for _, size := range benchset.Sizes {
		b.Run(size.Name, func(b *testing.B) {
			cfg := sets.Config(b, size.N)
			b.ReportAllocs()
			for b.Loop() {
				deck, ds := Load(cfg)
				if deck == nil || len(deck.Cards) != size.N {
					b.Fatalf("loaded %v: %v", deck, ds)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(size.N), "ns/card")
		})
	}
}
