package ankiimport

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cardgen/cardgen/builder"
	"github.com/cardgen/cardgen/internal/ankitest"
)

// The round trip on a deck real Anki wrote: export → cardgen import →
// cardgen build → import the build into the collection the deck came from,
// after its cards were answered. Nothing is added or duplicated, the review
// history stays, and only the note whose TOML was edited changes.
func TestAnkiRoundTrip(t *testing.T) {
	for _, export := range []string{"current.apkg", "legacy.apkg", "whole.colpkg"} {
		t.Run(export, func(t *testing.T) { ankiRoundTrip(t, export) })
	}
}

func ankiRoundTrip(t *testing.T, export string) {
	col := ankiDeck(t)
	dir := t.TempDir()
	exported := filepath.Join(dir, export)
	var err error
	if export == "whole.colpkg" {
		err = col.ExportCollection(exported, false)
	} else {
		_, err = col.ExportPackage(exported, ankitest.ExportOptions{Legacy: export == "legacy.apkg", Deck: "视觉"})
	}
	if err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(dir, "project")
	if _, err := Run(Options{File: exported, Dir: project, Deck: "视觉", SeedLock: builder.SeedLock}); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(project, "config.toml")
	if _, err := col.ReviewAll("good"); err != nil {
		t.Fatal(err)
	}
	before, err := col.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Revlog) == 0 {
		t.Fatal("no reviews were recorded")
	}

	build := func(locked bool) string {
		t.Helper()
		out := filepath.Join(t.TempDir(), "dist")
		res, err := builder.Run(builder.Options{ConfigPath: cfg, OutDir: out, Formats: []string{"apkg"}, Target: "all",
			// An hour ahead: a note whose time the lock did not keep would be newer than Anki's.
			Locked: locked, Epoch: time.Now().Add(time.Hour), Stderr: io.Discard, Quiet: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range res.Artifacts {
			if strings.HasSuffix(a.Path, ".apkg") {
				return a.Path
			}
		}
		t.Fatal("no .apkg built")
		return ""
	}
	// The first build needs no lock change: the import seeded it.
	first := build(true)
	log, err := col.ImportPackage(first, ankitest.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first build imported into Anki: %s", log.Counts())
	if len(log.New) != 0 || len(log.Updated) != 0 || len(log.Conflicting) != 0 || len(log.MissingNotetype) != 0 || len(log.FirstFieldMatch) != 0 {
		t.Errorf("first build: %s; want every note found and left as it was", log.Counts())
	}
	after, err := col.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	sameCollection(t, before, after, "")

	// Edit one field of one note in the TOML: exactly that note updates.
	words := filepath.Join(project, "cards", "词汇.toml")
	matches, _ := filepath.Glob(filepath.Join(project, "cards", "*.toml"))
	for _, m := range matches {
		if b, _ := os.ReadFile(m); strings.Contains(string(b), "Meaning = 'cat'") {
			words = m
		}
	}
	data, err := os.ReadFile(words)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(words, []byte(strings.Replace(string(data), "Meaning = 'cat'", "Meaning = 'cat (a small feline)'", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	second := build(false)
	log, err = col.ImportPackage(second, ankitest.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("edited build imported into Anki: %s", log.Counts())
	if len(log.New) != 0 || len(log.Updated) != 1 || len(log.Conflicting) != 0 {
		t.Errorf("edited build: %s; want exactly 1 updated", log.Counts())
	}
	edited, err := col.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	sameCollection(t, before, edited, "猫")
}

// sameCollection checks that notes, cards and the review log are as before,
// except the fields of the note whose first field is changed.
func sameCollection(t *testing.T, before, after *ankitest.Snapshot, changed string) {
	t.Helper()
	if len(after.Notes) != len(before.Notes) || len(after.Cards) != len(before.Cards) {
		t.Errorf("notes %d → %d, cards %d → %d", len(before.Notes), len(after.Notes), len(before.Cards), len(after.Cards))
	}
	if len(after.Revlog) != len(before.Revlog) {
		t.Errorf("review log %d → %d entries", len(before.Revlog), len(after.Revlog))
	}
	cards := map[int64]ankitest.Card{}
	for _, c := range after.Cards {
		cards[c.ID] = c
	}
	for _, c := range before.Cards {
		a, ok := cards[c.ID]
		if !ok || a.Ivl != c.Ivl || a.Due != c.Due || a.Reps != c.Reps || a.Type != c.Type || a.Did != c.Did {
			t.Errorf("card %d: %+v → %+v", c.ID, c, a)
		}
	}
	notes := after.NoteByGUID()
	for _, n := range before.Notes {
		a, ok := notes[n.GUID]
		if !ok {
			t.Errorf("note %s is gone", n)
			continue
		}
		if a.Mid != n.Mid {
			t.Errorf("note %s changed note type %d → %d", n, n.Mid, a.Mid)
		}
		same := strings.Join(a.Fields, "\x1f") == strings.Join(n.Fields, "\x1f") && strings.Join(a.Tags, " ") == strings.Join(n.Tags, " ")
		if n.Fields[0] == changed {
			if same || !strings.Contains(strings.Join(a.Fields, " "), "cat (a small feline)") {
				t.Errorf("note %s: fields %q, want the edit", n, a.Fields)
			}
			continue
		}
		if !same {
			t.Errorf("note %s changed: %q %v → %q %v", n, n.Fields, n.Tags, a.Fields, a.Tags)
		}
	}
}

// A deck cardgen built, studied in Anki and exported from there (Anki
// rewrites the package in its own format) is still recognised as cardgen's:
// the project it came from comes back, and its build updates nothing.
func TestCardgenDeckExportedByAnki(t *testing.T) {
	cfg := copyDeck(t, "../builder/testdata/repro")
	built := buildAPKG(t, cfg)
	col := ankitest.Open(t)
	if _, err := col.ImportPackage(built, ankitest.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := col.ReviewAll("good"); err != nil {
		t.Fatal(err)
	}
	exported := filepath.Join(t.TempDir(), "from-anki.apkg")
	if _, err := col.ExportPackage(exported, ankitest.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "back")
	res, err := Run(Options{File: exported, Dir: dir, SeedLock: builder.SeedLock})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Plan.Recognised || res.Plan.Namespace != "repro" || len(res.Plan.NoteTypes) != 0 {
		t.Fatalf("recognised=%v namespace=%q declared=%d", res.Plan.Recognised, res.Plan.Namespace, len(res.Plan.NoteTypes))
	}
	before, err := col.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	rebuilt := buildAt(t, filepath.Join(dir, "config.toml"), time.Now().Add(time.Hour), true)
	log, err := col.ImportPackage(rebuilt, ankitest.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rebuilt deck imported into Anki: %s", log.Counts())
	if len(log.New) != 0 || len(log.Updated) != 0 || len(log.Conflicting) != 0 {
		t.Errorf("rebuilt deck: %s; want every note found and unchanged", log.Counts())
	}
	after, err := col.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	sameCollection(t, before, after, "")
}
