package builder

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/internal/decktest"
	"github.com/google/go-cmp/cmp"
)

// A topic file's cached rendering depends on the declared note types too: a
// note type that gains a field changes how the unchanged file's cards render.
func TestCacheFollowsDeclaredNoteTypes(t *testing.T) {
	cfg := decktest.CopyNoteTypesDeck(t)
	c := newCache(t.TempDir(), []byte("test build"))
	buildWith(t, cfg, nil)
	cold, _ := buildWith(t, cfg, nil)
	warm, _ := buildWith(t, cfg, c)
	warm, _ = buildWith(t, cfg, c)
	if d := cmp.Diff(cold, warm); d != "" {
		t.Fatalf("a warm cache changed the outputs:\n%s", d)
	}
	vocab := filepath.Join(filepath.Dir(cfg), "notetypes", "vocab.toml")
	data, err := os.ReadFile(vocab)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "[[fields]]\nname = \"Reading\"", "[[fields]]\nname = \"Note\"\n\n[[fields]]\nname = \"Reading\"", 1)
	if err := os.WriteFile(vocab, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	buildWith(t, cfg, nil) // the lock follows the new note type
	cold, _ = buildWith(t, cfg, nil)
	warm, _ = buildWith(t, cfg, c)
	if d := cmp.Diff(cold, warm); d != "" {
		t.Fatalf("after a note type gained a field, the cache changed the outputs:\n%s", d)
	}
}
