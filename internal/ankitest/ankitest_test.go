package ankitest_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/internal/ankitest"
)

// A collection made through the driver, exported with Anki's exporter and
// imported into a fresh collection, arrives whole: the driver's own round trip.
func TestDriverMakesExportsAndImports(t *testing.T) {
	src := ankitest.Open(t)
	if _, err := src.AddNotetype(ankitest.Notetype{
		Name:   "Q/A",
		Fields: []string{"Front", "Back"},
		Templates: []ankitest.Template{
			{Name: "Card 1", Qfmt: "{{Front}}", Afmt: "{{FrontSide}}<hr id=answer>{{Back}}"},
		},
		CSS: ".card { color: black; }",
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.AddNotetype(ankitest.Notetype{
		Name: "Gap", Cloze: true, Fields: []string{"Text"},
		Templates: []ankitest.Template{{Name: "Cloze", Qfmt: "{{cloze:Text}}", Afmt: "{{cloze:Text}}"}},
	}); err != nil {
		t.Fatal(err)
	}
	img, err := src.AddMedia("dot.png", []byte("\x89PNG\r\n\x1a\nbytes"))
	if err != nil {
		t.Fatal(err)
	}
	ids, err := src.AddNotes(
		ankitest.NewNote{Notetype: "Q/A", Deck: "Top::Sub", Fields: []string{"问题", `答案 <img src="` + img + `">`}, Tags: []string{"a", "b"}, GUID: "guidQA00001"},
		ankitest.NewNote{Notetype: "Gap", Deck: "Top", Fields: []string{"{{c1::一}} 和 {{c2::二}}"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 {
		t.Fatalf("added %d notes, want 2", len(ids))
	}
	pkg := filepath.Join(t.TempDir(), "made.apkg")
	n, err := src.ExportPackage(pkg, ankitest.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("exported %d notes, want 2", n)
	}

	dst := ankitest.Open(t)
	log, err := dst.ImportPackage(pkg, ankitest.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(log.New) != 2 || len(log.Lost()) != 0 {
		t.Fatalf("import: %s; %v", log.Counts(), log.Lost())
	}
	snap, err := dst.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Cards) != 3 {
		t.Errorf("%d cards, want 3 (one basic, two cloze)", len(snap.Cards))
	}
	qa, ok := snap.NoteByGUID()["guidQA00001"]
	if !ok || !qa.HasTag("b") || qa.Field(0) != "问题" {
		t.Errorf("note with the given GUID: %+v (found %v)", qa, ok)
	}
	if got := strings.Join(snap.DeckNames(), ","); got != "Default,Top,Top::Sub" {
		t.Errorf("decks %s", got)
	}
	media, err := dst.Media()
	if err != nil {
		t.Fatal(err)
	}
	if len(media) != 1 || media[0] != img {
		t.Errorf("media %v, want [%s]", media, img)
	}
	answered, err := dst.ReviewAll("")
	if err != nil {
		t.Fatal(err)
	}
	revlog, err := dst.Revlog()
	if err != nil {
		t.Fatal(err)
	}
	if len(answered) != 3 || len(revlog) != 3 {
		t.Errorf("answered %d cards, revlog %d rows; want 3 and 3", len(answered), len(revlog))
	}
	rendered, err := dst.Render()
	if err != nil {
		t.Fatal(err)
	}
	clozeFronts := 0
	for _, r := range rendered {
		if strings.Contains(r.Question, "[...]") {
			clozeFronts++
		}
	}
	if clozeFronts != 2 {
		t.Errorf("%d cloze fronts show [...], want 2: %+v", clozeFronts, rendered)
	}
	if integ, err := dst.FixIntegrity(); err != nil || !integ.OK {
		t.Errorf("check database: %+v %v", integ, err)
	}
}

// Anki's own message comes back as an *ankitest.Error, and the driver lives on.
func TestDriverReportsAnkisErrors(t *testing.T) {
	col := ankitest.Open(t)
	_, err := col.ImportPackage(filepath.Join(t.TempDir(), "missing.apkg"), ankitest.ImportOptions{})
	var ae *ankitest.Error
	if !errors.As(err, &ae) || ae.Message == "" {
		t.Fatalf("importing a missing file: %v, want an *ankitest.Error with Anki's message", err)
	}
	if _, err := col.Notes(); err != nil {
		t.Fatalf("the driver did not survive an error: %v", err)
	}
	t.Logf("Anki said: %v", ae)
}
