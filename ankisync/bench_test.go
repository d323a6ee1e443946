package ankisync_test

import (
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/cardgen/cardgen/ankisync"
	"github.com/cardgen/cardgen/internal/ankitest"
	"github.com/cardgen/cardgen/internal/synth"
)

// BenchmarkSync10k syncs a 10,000-card deck into the AnkiConnect test server:
// into an empty collection, and again with nothing to change. Each operation
// includes the build (with its cache) and the time the server takes.
func BenchmarkSync10k(b *testing.B) {
	dir := b.TempDir()
	if err := synth.Write(dir, 10000, 1); err != nil {
		b.Fatal(err)
	}
	config := filepath.Join(dir, "config.toml")
	run := func(b *testing.B, srv *ankitest.Connect) *ankisync.Plan {
		p, err := ankisync.Run(context.Background(), ankisync.Options{ConfigPath: config, URL: srv.URL, Timeout: 10 * time.Minute,
			Stdout: io.Discard, Stderr: io.Discard, Epoch: time.Unix(1790000000, 0)})
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	warm := ankitest.StartConnect(b, ankitest.ConnectOptions{})
	run(b, warm) // writes the lock and fills the build cache
	b.Run("empty", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			srv := ankitest.StartConnect(b, ankitest.ConnectOptions{})
			b.StartTimer()
			if p := run(b, srv); len(p.Added) != 10000 {
				b.Fatalf("added %d", len(p.Added))
			}
			b.StopTimer()
			srv.Stop()
			b.StartTimer()
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		for b.Loop() {
			if p := run(b, warm); p.Changes() {
				b.Fatalf("changes: %+v", p)
			}
		}
	})
}
