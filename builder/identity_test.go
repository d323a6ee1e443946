package builder

import (
	"bytes"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/cardgen/cardgen/exporters/render"
	"github.com/cardgen/cardgen/internal/synth"
)

// A build's bytes depend only on its inputs: without the cache, with an
// empty one (cold), with a full one (warm), and with a tiny memory budget
// (no memo of highlighted code, a soft memory limit of 1 MiB, so the
// collector runs all the time) every output file is the same. The set has
// code in six languages, many blocks recurring, and a collection past the
// media size cap.
func TestBytesIndependentOfCacheAndMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 3,000 cards five times")
	}
	dir := t.TempDir()
	if err := synth.Write(dir, 3000, 19); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.toml")
	want, _ := buildWith(t, cfg, nil)
	if len(want["synth.apkg"]) == 0 || len(want["SHA256SUMS"]) == 0 {
		t.Fatalf("no package or checksums among %d outputs", len(want))
	}
	same := func(name string, got map[string][]byte) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %d output files, want %d", name, len(got), len(want))
		}
		for f, b := range want {
			if !bytes.Equal(got[f], b) {
				t.Errorf("%s: %s differs from the build without cache", name, f)
			}
		}
	}
	c := newCache(t.TempDir(), []byte("identity"))
	got, _ := buildWith(t, cfg, c)
	same("cold", got)
	got, _ = buildWith(t, cfg, c)
	same("warm", got)

	render.Default().LimitCodeMemo(0)
	old := debug.SetMemoryLimit(1 << 20)
	t.Cleanup(func() {
		debug.SetMemoryLimit(old)
		render.Default().LimitCodeMemo(render.CodeMemoBytes)
	})
	got, _ = buildWith(t, cfg, nil)
	same("tiny memory budget", got)
	got, _ = buildWith(t, cfg, newCache(t.TempDir(), []byte("identity")))
	same("tiny memory budget, cold", got)
}
