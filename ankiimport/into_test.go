package ankiimport

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cardgen/cardgen/builder"
	"github.com/cardgen/cardgen/internal/projlock"
)

func TestIntoAddsCards(t *testing.T) {
	cfg := copyDeck(t, "../builder/testdata/repro")
	root := filepath.Dir(cfg)
	before := readTree(t, root)
	res, err := Run(Options{File: samplePackage(t), Into: root, SeedLock: builder.SeedLock})
	if err != nil {
		t.Fatal(err)
	}
	if res.Plan.Namespace != "repro" {
		t.Errorf("namespace = %q, want the project's", res.Plan.Namespace)
	}
	after := readTree(t, root)
	for name, data := range before {
		if name != "config.toml" && after[name] != data {
			t.Errorf("%s changed", name)
		}
	}
	// The topic the project has gets a file of its own; the new ones theirs.
	for _, want := range []string{"cards/detection-imported.toml", "cards/detection-anchors.toml", "cards/words.toml", "notetypes/word.toml", "notetypes/anki-basic.toml"} {
		if _, ok := after[filepath.FromSlash(want)]; !ok && !strings.HasPrefix(want, "notetypes/word") {
			t.Errorf("%s not written; files: %v", want, sortedKeys(after))
		}
	}
	if !strings.HasPrefix(after[filepath.Join("cards", "detection-imported.toml")], "topic = 'detection'\n") {
		t.Errorf("detection-imported.toml does not name its topic:\n%s", after[filepath.Join("cards", "detection-imported.toml")])
	}
	conf := after["config.toml"]
	if !strings.HasPrefix(conf, before["config.toml"]) {
		t.Errorf("config.toml was not kept as written:\n%s", conf)
	}
	if !strings.Contains(conf, "[[topics]]\nid = 'detection-anchors'\nname = 'Detection / Anchors'\n") || strings.Count(conf, "id = 'detection'") != 0 {
		t.Errorf("config.toml topics:\n%s", conf)
	}
	validates(t, root)
	// The lock holds the notes' times: a locked build accepts the project.
	notes := packageNotes(t, buildAt(t, cfg, time.Unix(1790086400, 0), true))
	if n := notes["a1B2c3D4e5"]; n.Mod != 1650000001 {
		t.Errorf("imported note: mod %d, want the package's 1650000001", n.Mod)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(root, ".cardgen-import-*")); len(leftovers) > 0 {
		t.Errorf("temp files left: %v", leftovers)
	}
}

// Importing a deck's own package into it clashes on every id and GUID,
// each named with both places; nothing is written.
func TestIntoRefusesClashes(t *testing.T) {
	cfg := copyDeck(t, "../builder/testdata/repro")
	apkg := buildAPKG(t, cfg)
	root := filepath.Dir(cfg)
	before := readTree(t, root)
	_, err := Run(Options{File: apkg, Into: cfg})
	if err == nil {
		t.Fatal("the import succeeded")
	}
	msg := err.Error()
	for _, want := range []string{`has card id "`, `which card "`, "detection.toml:", "has the GUID of card"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	after := readTree(t, root)
	for name, data := range after {
		if before[name] != data && !strings.HasPrefix(name, "dist") && name != "cardgen.lock" {
			t.Errorf("%s changed", name)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "cards", "detection-imported.toml")); err == nil {
		t.Error("a file was written")
	}
}

// Importing more notes of a note type the project declares already uses it.
func TestIntoReusesNoteTypes(t *testing.T) {
	cfg := copyDeck(t, "../builder/testdata/repro")
	root := filepath.Dir(cfg)
	fx := sampleDeck()
	first := filepath.Join(t.TempDir(), "first.apkg")
	fx.writePackage(t, first, fmtLatest)
	if _, err := Run(Options{File: first, Into: root, Deck: "Vision::Words", SeedLock: builder.SeedLock}); err != nil {
		t.Fatal(err)
	}
	// Later, the learner added a word; the deck is exported again.
	fx.notes = append(fx.notes, fxNote{id: 1600000000006, guid: "wordGUID003", mid: 1700000000003, mod: 1650000006, deck: 12, due: 6,
		fields: []string{"鳥", "とり", "bird", ""}})
	fx.notes = fx.notes[len(fx.notes)-1:]
	second := filepath.Join(t.TempDir(), "second.apkg")
	fx.writePackage(t, second, fmtLatest)
	res, err := Run(Options{File: second, Into: root, Deck: "Vision::Words", SeedLock: builder.SeedLock})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Plan.NoteTypes) != 0 || res.Plan.Topics[0].Cards[0].Type != "nt-907721ea" {
		t.Errorf("declared %d note types, card type %q; want the project's own", len(res.Plan.NoteTypes), res.Plan.Topics[0].Cards[0].Type)
	}
	validates(t, root)
	// A package whose note type has other fields than the project's is refused.
	fx.noteTypes[2].fields = []string{"Word", "Meaning"}
	fx.notes[0].fields = []string{"魚", "fish"}
	fx.notes[0].guid = "wordGUID004"
	third := filepath.Join(t.TempDir(), "third.apkg")
	fx.writePackage(t, third, fmtLatest)
	_, err = Run(Options{File: third, Into: root, Deck: "Vision::Words"})
	if err == nil || !strings.Contains(err.Error(), "has the fields Word, Meaning, but the project declares it in") {
		t.Errorf("err = %v", err)
	}
}

// While another cardgen works on the project, --into waits for nothing and changes nothing.
func TestIntoBusyProject(t *testing.T) {
	cfg := copyDeck(t, "../builder/testdata/repro")
	root := filepath.Dir(cfg)
	held, err := projlock.Acquire(root, "build")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	before := readTree(t, root)
	_, err = Run(Options{File: samplePackage(t), Into: root})
	if !errors.Is(err, projlock.ErrBusy) {
		t.Fatalf("err = %v, want the project busy", err)
	}
	if after := readTree(t, root); len(after) != len(before) {
		t.Errorf("files: %d → %d", len(before), len(after))
	}
}
