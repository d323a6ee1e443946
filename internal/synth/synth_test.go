package synth

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/cardgen/cardgen/cards"
)

func TestWriteIsValidAndDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if err := Write(dir, 500, 7); err != nil {
			t.Fatal(err)
		}
	}
	deck, ds := cards.Load(filepath.Join(a, "config.toml"))
	if deck == nil || len(ds) > 0 {
		t.Fatalf("synthetic set does not validate: %v", ds)
	}
	if len(deck.Cards) != 500 {
		t.Fatalf("got %d cards, want 500", len(deck.Cards))
	}
	for _, name := range []string{"config.toml", "cards/topic-00.toml", "cards/topic-09.toml"} {
		x, _ := os.ReadFile(filepath.Join(a, name))
		y, _ := os.ReadFile(filepath.Join(b, name))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
}
