package apkg_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/internal/ankitest"
	"github.com/cardgen/cardgen/internal/decktest"
	"github.com/google/go-cmp/cmp"
)

// Real Anki and declared note types: the package's note types arrive as
// declared, each note has the cards Anki itself makes for those fields,
// every card renders, and a rebuilt package updates the edited note in
// place, review history kept.
func TestAnkiDeclaredNoteTypes(t *testing.T) {
	ankitest.Python(t)
	cfg := decktest.CopyNoteTypesDeck(t)
	deck := loadDeck(t, cfg)
	runBuild(t, cfg, t1)
	col, log := importFresh(t, distPath(cfg, "nt-test.apkg"))
	if len(log.New) != 4 {
		t.Errorf("import: %s; want 4 new notes", log.Counts())
	}

	nts, err := col.Notetypes()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]ankitest.Notetype{}
	for _, nt := range nts {
		byID[nt.ID] = nt
	}
	for _, d := range deck.Config.NoteTypes {
		got, ok := byID[d.ID]
		if !ok {
			t.Errorf("Anki has no note type %d (%s)", d.ID, d.Slug)
			continue
		}
		var tmpls []ankitest.Template
		for _, tm := range d.Templates {
			tmpls = append(tmpls, ankitest.Template{Name: tm.Name, Qfmt: tm.Front, Afmt: tm.Back})
		}
		want := ankitest.Notetype{ID: d.ID, Name: d.Name, Cloze: d.Cloze, Mod: t1, Fields: d.FieldNames(), Templates: tmpls, CSS: d.CSS}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("note type %s in Anki (-declared +Anki):\n%s", d.Slug, diff)
		}
	}

	// Anki, adding the same fields itself, makes the same cards as the package.
	snap, err := col.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	ordsOf := func(s *ankitest.Snapshot, nid int64) []int {
		var ords []int
		for _, c := range s.Cards {
			if c.Nid == nid {
				ords = append(ords, c.Ord)
			}
		}
		slices.Sort(ords)
		return ords
	}
	var added []int64
	var imported []ankitest.Note
	for _, n := range snap.Notes {
		nt := byID[n.Mid]
		if nt.Name == "" || !slices.ContainsFunc(deck.Config.NoteTypes, func(d *cards.NoteType) bool { return d.ID == n.Mid }) {
			continue
		}
		ids, err := col.AddNotes(ankitest.NewNote{Notetype: nt.Name, Deck: "Default", Fields: n.Fields})
		if err != nil {
			t.Fatal(err)
		}
		added = append(added, ids...)
		imported = append(imported, n)
	}
	after, err := col.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 3 {
		t.Fatalf("added %d notes of declared types, want 3", len(added))
	}
	for i, n := range imported {
		if got, want := ordsOf(after, n.ID), ordsOf(after, added[i]); !slices.Equal(got, want) {
			t.Errorf("note %s: package has card ords %v, Anki makes %v", n, got, want)
		}
	}

	rep, err := col.CheckRendering()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		t.Errorf("rendering: %s", p)
	}

	// Learn everything, edit one note, import the rebuilt package: it updates in place.
	col2, _ := importFresh(t, distPath(cfg, "nt-test.apkg"))
	if _, err := col2.ReviewAll("good"); err != nil {
		t.Fatal(err)
	}
	before, err := col2.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	editFile(t, filepath.Join(filepath.Dir(cfg), "cards", "words.toml"), "cat, as in", "a cat, as in")
	runBuild(t, cfg, t2)
	log, err = col2.ImportPackage(distPath(cfg, "nt-test.apkg"), ankitest.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(log.New) != 0 || len(log.Updated) != 1 || len(log.Lost()) != 0 {
		t.Errorf("re-import: %s; want 1 updated, nothing new or lost", log.Counts())
	}
	end, err := col2.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if problems := ankitest.CheckUpdate(before, end, ankitest.UpdateWant{Updated: []string{"f~3Kx#9!Ab"}}); len(problems) > 0 {
		t.Errorf("re-import:\n%s", strings.Join(problems, "\n"))
	}
	if neko := end.NoteByGUID()["f~3Kx#9!Ab"]; !strings.Contains(neko.Field(2), "a cat, as in") {
		t.Errorf("neko after the update: %v", neko.Fields)
	}
	t.Logf("Anki %s: %d cards rendered (%d cloze); re-import %s", col.Version, rep.Cards, rep.Cloze, log.Counts())
}
