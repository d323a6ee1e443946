package csvdeck_test

import (
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/ankinote"
	"github.com/cardgen/cardgen/internal/ankitest"
	"github.com/cardgen/cardgen/internal/decktest"
)

// Check 4: Anki's own CSV import (get_csv_metadata + import_csv) reads the
// file's headers and, in a collection that holds the package, updates the
// very notes the package made; in an empty collection it can only make
// notes of its own note types (docs/csv.md).
func TestAnkiImportsTheCSV(t *testing.T) {
	ankitest.Python(t)
	for _, deck := range []struct{ name, cfg string }{
		{"shipped", decktest.CopyRepoDeck(t, "../..")},
		{"fixture", decktest.CopyDeck(t, "testdata/deck")},
	} {
		t.Run(deck.name, func(t *testing.T) {
			d, dist := buildDeck(t, deck.cfg, "apkg", "csv")
			stem := filepath.Join(dist, d.Config.Deck.ID)
			mixed := slices.ContainsFunc(d.Cards, func(c *cards.Card) bool { return c.Type != d.Cards[0].Type })

			col := ankitest.Open(t)
			if _, err := col.ImportPackage(stem+".apkg", ankitest.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := col.ReviewAll(""); err != nil {
				t.Fatal(err)
			}
			before, err := col.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			meta, err := col.CSVMetadata(stem + ".csv")
			if err != nil {
				t.Fatalf("Anki cannot read the CSV's headers: %v", err)
			}
			// Columns are 1-based in the headers and in Anki's metadata.
			if !meta.IsHTML || meta.TagsColumn != 6 || meta.DeckColumn != 7 || meta.GUIDColumn != 9 {
				t.Errorf("metadata %+v; want HTML, tags column 6, deck column 7, GUID column 9", meta)
			}
			if mixed {
				if meta.NotetypeColumn != 8 {
					t.Errorf("mixed file: notetype column %d, want 8", meta.NotetypeColumn)
				}
			} else if meta.GlobalNotetype == nil || meta.GlobalNotetype.ID != strconv.FormatInt(ankinote.For(d.Config, d.Cards[0].Type).ID, 10) {
				t.Errorf("one-type file: global note type %+v, want %d", meta.GlobalNotetype, ankinote.For(d.Config, d.Cards[0].Type).ID)
			}
			log, err := col.ImportCSV(stem + ".csv")
			if err != nil {
				t.Fatalf("Anki refuses the CSV: %v", err)
			}
			// Anki reports a row as updated when any field differs and as a
			// duplicate when none does; no row may add a note or be lost.
			if len(log.New)+len(log.Lost())+len(log.FirstFieldMatch) != 0 || len(log.Updated)+len(log.Duplicate) != len(d.Cards) {
				t.Errorf("CSV into the package's collection: %s; want %d updated or unchanged and nothing else", log.Counts(), len(d.Cards))
			}
			after, err := col.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			// The same notes, holding what the package gave them up to line
			// breaks, which the CSV writes as spaces or <br> (docs/csv.md).
			now := after.NoteByGUID()
			modMoved, reported := 0, 0
			for _, b := range before.Notes {
				a, ok := now[b.GUID]
				if !ok || a.ID != b.ID || a.Mid != b.Mid || !slices.Equal(normalized(a.Fields), normalized(b.Fields)) || !slices.Equal(a.Tags, b.Tags) {
					if reported++; reported <= 3 {
						t.Errorf("after the CSV, note %s is %s %.300q %q; was %.300q %q", b, a, a.Fields, a.Tags, b.Fields, b.Tags)
					}
				}
				if a.Mod != b.Mod {
					modMoved++
				}
			}
			if len(after.Notes) != len(before.Notes) {
				t.Errorf("%d notes after the CSV, %d before", len(after.Notes), len(before.Notes))
			}
			// Cards, scheduling and reviews as they were.
			if p := ankitest.CheckUpdate(&ankitest.Snapshot{Cards: before.Cards, Revlog: before.Revlog},
				&ankitest.Snapshot{Cards: after.Cards, Revlog: after.Revlog}, ankitest.UpdateWant{}); len(p) > 0 {
				t.Errorf("the CSV import disturbed cards or reviews:\n%s", strings.Join(p, "\n"))
			}
			t.Logf("Anki %s, %s CSV into the package's collection: %s; %d notes got a new mod, fields unchanged but for line breaks",
				col.Version, deck.name, log.Counts(), modMoved)

			// An empty collection: Anki creates the decks and notes with the
			// file's GUIDs, but cannot create cardgen's note types.
			empty := ankitest.Open(t)
			elog, err := empty.ImportCSV(stem + ".csv")
			if err != nil {
				t.Fatalf("Anki refuses the CSV in an empty collection: %v", err)
			}
			snap, err := empty.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			if mixed {
				if len(elog.MissingNotetype) != len(d.Cards) || len(snap.Notes) != 0 {
					t.Errorf("mixed CSV into an empty collection: %s, %d notes; docs/csv.md says every row has a missing note type", elog.Counts(), len(snap.Notes))
				}
			} else {
				ours := ankinote.For(d.Config, d.Cards[0].Type).ID
				var decks []string
				for _, c := range d.Cards {
					decks = append(decks, ankinote.DeckName(d.Config, c.Topic))
					n, ok := snap.NoteByGUID()[ankinote.GUID(d.Config.Deck.Namespace, c)]
					if !ok || n.Mid == ours || n.Field(0) != c.ID {
						t.Errorf("one-type CSV into an empty collection: card %q became %+v (found %v); docs/csv.md says it lands in Anki's current note type", c.ID, n, ok)
					}
				}
				for _, name := range decks {
					if !slices.Contains(snap.DeckNames(), name) {
						t.Errorf("one-type CSV into an empty collection: deck %q not created (decks %q)", name, snap.DeckNames())
					}
				}
			}
			t.Logf("Anki %s, %s CSV into an empty collection: %s; %d notes, %d decks", empty.Version, deck.name, elog.Counts(), len(snap.Notes), len(snap.Decks))
		})
	}
}

var lineBreaks = regexp.MustCompile(`(\s|<br>)+`)

// normalized folds each field's line breaks, <br> and runs of white space into one space.
func normalized(fields []string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = lineBreaks.ReplaceAllString(f, " ")
	}
	return out
}
