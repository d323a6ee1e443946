// Package benchset gives benchmarks synthetic question sets of standard
// sizes, written by internal/synth on first use and shared by sub-benchmarks.
package benchset

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cardgen/cardgen/internal/synth"
)

// Seed makes every benchmark measure the same cards.
const Seed = 1

// Size is one benchmark scale.
type Size struct {
	Name string // sub-benchmark name, e.g. "10k"
	N    int
}

// Sizes are the scales every pipeline benchmark runs at.
var Sizes = []Size{{"1k", 1_000}, {"10k", 10_000}, {"100k", 100_000}}

// Sets writes each size at most once, in the temporary folder of the
// benchmark that owns it, so the sets go away when that benchmark ends.
type Sets struct {
	owner testing.TB
	mu    sync.Mutex
	dirs  map[int]string
}

// New returns the sets of owner, usually a top-level benchmark whose sub-benchmarks call Config.
func New(owner testing.TB) *Sets {
	return &Sets{owner: owner, dirs: map[int]string{}}
}

// Dir returns the folder holding config.toml and cards/ for a set of n cards,
// writing it on first use; tb is the caller, failed on error.
func (s *Sets) Dir(tb testing.TB, n int) string {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.dirs[n]; ok {
		return d
	}
	d := filepath.Join(s.owner.TempDir(), fmt.Sprintf("set-%d", n))
	if err := synth.Write(d, n, Seed); err != nil {
		tb.Fatal(err)
	}
	s.dirs[n] = d
	return d
}

// Config returns the config.toml of a set of n cards.
func (s *Sets) Config(tb testing.TB, n int) string {
	tb.Helper()
	return filepath.Join(s.Dir(tb, n), "config.toml")
}
