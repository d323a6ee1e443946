package builder_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cardgen/cardgen/builder"
	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/internal/decktest"
	"github.com/cardgen/cardgen/lock"
)

func TestSeedLock(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1780000000")
	cfg := decktest.CopyNoteTypesDeck(t)
	lockPath := filepath.Join(filepath.Dir(cfg), "cardgen.lock")
	const nekoMod, roiMod, vocabMod = 1500000000, 1500000001, 1400000000
	err := builder.SeedLock(cfg, map[string]int64{"neko": nekoMod, "roi-align": roiMod}, map[string]int64{"vocab": vocabMod})
	if err != nil {
		t.Fatal(err)
	}
	l, err := lock.Load(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	if l.Cards["neko"].Mod != nekoMod || l.Cards["roi-align"].Mod != roiMod || l.Cards["inu"].Mod != 1780000000 {
		t.Errorf("card mods = neko %d, roi-align %d, inu %d", l.Cards["neko"].Mod, l.Cards["roi-align"].Mod, l.Cards["inu"].Mod)
	}
	if l.NoteTypes["vocab"].Mod != vocabMod || l.NoteTypes["cloze-plus"].Mod != 1780000000 || l.NoteTypes["basic"].Mod != 1780000000 {
		t.Errorf("note type mods = %v", l.NoteTypes)
	}
	seeded := readFile(t, lockPath)

	// The seeded lock is the one a build computes: --locked and validate --strict accept it.
	var stderr bytes.Buffer
	if err := builder.Validate(cfg, true, &stderr); err != nil {
		t.Fatalf("validate --strict: %v\n%s", err, stderr.String())
	}
	if _, err := builder.Run(builder.Options{ConfigPath: cfg, Locked: true, Stderr: &stderr, Epoch: time.Unix(1790000000, 0)}); err != nil {
		t.Fatalf("build --locked after SeedLock: %v\n%s", err, stderr.String())
	}
	if !bytes.Equal(seeded, readFile(t, lockPath)) {
		t.Error("the build rewrote the seeded lock")
	}
	notes := decktest.Notes(t, filepath.Join(filepath.Dir(cfg), "dist", "nt-test.apkg"))
	mods := map[string]int64{}
	for _, n := range notes {
		mods[n.GUID] = n.Mod
	}
	if mods["f~3Kx#9!Ab"] != nekoMod || mods[cards.GUID("nt-test", "inu")] != 1780000000 {
		t.Errorf("note mods in the package = %v; want neko's (guid f~3Kx#9!Ab) seeded %d", mods, nekoMod)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSeedLockRefusesAndKeepsTheLock(t *testing.T) {
	cfg := decktest.CopyNoteTypesDeck(t)
	lockPath := filepath.Join(filepath.Dir(cfg), "cardgen.lock")
	if err := os.WriteFile(lockPath, []byte("{\"version\": 1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := builder.SeedLock(cfg, map[string]int64{"neko": 1, "no-such-card": 2}, map[string]int64{"basic": 3})
	if err == nil || !strings.Contains(err.Error(), "card 'no-such-card'") || !strings.Contains(err.Error(), "note type 'basic'") {
		t.Errorf("SeedLock with unknown ids: %v", err)
	}
	os.WriteFile(filepath.Join(filepath.Dir(cfg), "cards", "words.toml"), []byte("[[cards]]\nid = \"x\"\ntype = \"vocab\"\nfields = { Wort = \"x\" }\n"), 0o644)
	err = builder.SeedLock(cfg, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "words.toml:4: error: card 'x': note type 'vocab' has no field 'Wort'") {
		t.Errorf("SeedLock of an invalid project: %v", err)
	}
	if got := string(readFile(t, lockPath)); got != "{\"version\": 1}\n" {
		t.Errorf("a failed SeedLock changed the lock:\n%s", got)
	}
}
