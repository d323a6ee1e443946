package builder

import (
	"bytes"
	"fmt"
	"io"
	"os"
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

// BenchmarkRebuild measures a build after one card changed, with the cache
// filled by the previous build: the warm path of an edit-build loop.
func BenchmarkRebuild(b *testing.B) {
	sets := benchset.New(b)
	for _, size := range benchset.Sizes {
		b.Run(size.Name, func(b *testing.B) {
			cfg := sets.Config(b, size.N)
			out := filepath.Join(b.TempDir(), "dist")
			c := newCache(b.TempDir(), []byte("benchmark"))
			opts := Options{ConfigPath: cfg, OutDir: out, Formats: []string{"apkg", "csv", "md"}, Epoch: benchEpoch, Cache: c}
			if _, err := Run(opts); err != nil {
				b.Fatal(err)
			}
			file := filepath.Join(filepath.Dir(cfg), "cards", "topic-00.toml")
			data, err := os.ReadFile(file)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for b.Loop() {
				b.StopTimer()
				n++
				edited := bytes.Replace(data, []byte("answer = '''\n"), []byte(fmt.Sprintf("answer = '''\n第 %d 次修改。", n)), 1)
				if err := os.WriteFile(file, edited, 0o644); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := Run(opts); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if err := os.WriteFile(file, data, 0o644); err != nil {
				b.Fatal(err)
			}
		})
	}
}
