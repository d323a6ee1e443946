package apkg_test

import (
	"testing"

	"github.com/cardgen/cardgen/internal/ankitest"
	"github.com/cardgen/cardgen/internal/decktest"
)

// shippedBuild builds the repository's own deck, with its lock, into a
// temporary folder and returns the copied config.toml.
func shippedBuild(t *testing.T) string {
	t.Helper()
	cfg := decktest.CopyRepoDeck(t, "../..")
	runBuild(t, cfg, 0)
	return cfg
}

// The shipped full deck imports into a fresh collection of real Anki with no
// error and no log entry that loses a note.
func TestAnkiImportsShippedDeck(t *testing.T) {
	ankitest.Python(t)
	cfg := shippedBuild(t)
	col := ankitest.Open(t)
	log, err := col.ImportPackage(distPath(cfg, "cv-interview.apkg"), ankitest.ImportOptions{})
	if err != nil {
		t.Fatalf("Anki %s refuses the shipped deck: %v", col.Version, err)
	}
	if lost := log.Lost(); len(lost) > 0 {
		t.Fatalf("Anki %s import lost notes: %v", col.Version, lost)
	}
	notes := len(decktest.Notes(t, distPath(cfg, "cv-interview.apkg")))
	if len(log.New) != notes || len(log.Updated)+len(log.Duplicate) != 0 {
		t.Errorf("Anki %s: %s; want %d new", col.Version, log.Counts(), notes)
	}
	t.Logf("Anki %s: %s", col.Version, log.Counts())
}
