package ankitest_test

import (
	"archive/zip"
	"errors"
	"path/filepath"
	"slices"
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

	sub := filepath.Join(t.TempDir(), "sub.apkg")
	if n, err := src.ExportPackage(sub, ankitest.ExportOptions{Deck: "Top::Sub"}); err != nil || n != 1 {
		t.Errorf("exporting deck Top::Sub: %d notes, %v; want 1", n, err)
	}
	if _, err := src.ExportPackage(sub, ankitest.ExportOptions{Deck: "Nowhere"}); err == nil || !strings.Contains(err.Error(), "no deck named 'Nowhere'") {
		t.Errorf("exporting a missing deck: %v", err)
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

// The rendering check finds each kind of broken card it looks for.
func TestCheckRenderingFindsBrokenCards(t *testing.T) {
	col := ankitest.Open(t)
	if _, err := col.AddNotetype(ankitest.Notetype{
		Name: "QA", Fields: []string{"Front", "Back"},
		Templates: []ankitest.Template{{Name: "Card 1", Qfmt: "{{Front}}", Afmt: "{{FrontSide}}<hr id=answer>{{Back}}"}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := col.AddNotetype(ankitest.Notetype{
		Name: "Gap", Cloze: true, Fields: []string{"Text"},
		Templates: []ankitest.Template{{Name: "Cloze", Qfmt: "{{cloze:Text}}", Afmt: "{{cloze:Text}}"}},
	}); err != nil {
		t.Fatal(err)
	}
	ids, err := col.AddNotes(
		ankitest.NewNote{Notetype: "QA", Fields: []string{"fine", `an \(x\) and \[y\]`}},
		ankitest.NewNote{Notetype: "QA", Fields: []string{"literal {{braces}}", "ok"}},
		ankitest.NewNote{Notetype: "QA", Fields: []string{`<img src="missing.png">`, "ok"}},
		ankitest.NewNote{Notetype: "QA", Fields: []string{"dollar $x^2$ math", `open \( only`}},
		ankitest.NewNote{Notetype: "QA", Fields: []string{"<b> </b>", "x"}},
		ankitest.NewNote{Notetype: "Gap", Fields: []string{"{{c1::一}} {{c2::二}}"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	// The second deletion goes; its card stays, with nothing hidden on its front.
	if err := col.UpdateNote(ids[len(ids)-1], []string{"{{c1::一}} 二"}, nil); err != nil {
		t.Fatal(err)
	}
	rep, err := col.CheckRendering()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rep.Problems, "\n")
	for _, want := range []string{
		`of "literal {{braces}}"`,
		`<img src="missing.png"> on the front names no media file`,
		`math "$x^2$" on the front is in $ delimiters`,
		`of "dollar $x^2$ math" (guid`,
		"unbalanced math delimiters on the back",
		"empty front",
		`cloze card`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	t.Logf("report:\n%s", got)
	if strings.Contains(got, `"fine"`) {
		t.Errorf("a good card is reported:\n%s", got)
	}
	if rep.Cards != 7 || rep.Cloze != 2 {
		t.Errorf("rendered %d cards, %d cloze; want 7 and 2", rep.Cards, rep.Cloze)
	}
}

// Exporting the whole collection (.colpkg) writes Anki's current layout, and
// the driver reopens the collection afterwards.
func TestDriverExportsCollection(t *testing.T) {
	col := ankitest.Open(t)
	if _, err := col.AddNotes(ankitest.NewNote{Notetype: "Basic", Fields: []string{"正面", "背面"}}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "all.colpkg")
	if err := col.ExportCollection(out, false); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if !slices.Contains(names, "collection.anki21b") || !slices.Contains(names, "meta") {
		t.Errorf(".colpkg entries %q; want collection.anki21b and meta", names)
	}
	notes, err := col.Notes()
	if err != nil || len(notes) != 1 {
		t.Errorf("after the export the collection holds %d notes (%v), want 1", len(notes), err)
	}
}
