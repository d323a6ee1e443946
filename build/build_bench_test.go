package build

import (
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/cardgen/cardgen/internal/benchset"
)

var benchEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// BenchmarkValidate measures `cardgen validate`: load, check and render every card.
func BenchmarkValidate(b *testing.B) {
	sets := benchset.New(b)
	for _, size := range benchset.Sizes {
		b.Run(size.Name, func(b *testing.B) {
			cfg := sets.Config(b, size.N)
			for b.Loop() {
				if err := Validate(cfg, false, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(size.N), "ns/card")
		})
	}
}

// BenchmarkBuild measures a full build into apkg, csv and md.
func BenchmarkBuild(b *testing.B) {
	sets := benchset.New(b)
	for _, size := range benchset.Sizes {
		b.Run(size.Name, func(b *testing.B) {
			cfg := sets.Config(b, size.N)
			out := filepath.Join(b.TempDir(), "dist")
			opts := Options{ConfigPath: cfg, OutDir: out, Formats: []string{"apkg", "csv", "md"}, Epoch: benchEpoch}
			for b.Loop() {
				if _, err := Run(opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(size.N), "ns/card")
		})
	}
}
