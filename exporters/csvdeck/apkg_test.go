package csvdeck_test

import (
	"path/filepath"
	"testing"

	"github.com/cardgen/cardgen/internal/decktest"
	"github.com/google/go-cmp/cmp"
)

// packageGUIDs reads the notes of an .apkg and maps each note's first field
// (the card ID) to its guid.
func packageGUIDs(t *testing.T, path string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, n := range decktest.Notes(t, path) {
		out[n.ID] = n.GUID
	}
	return out
}

// After the package has been imported once, the CSV must address the same
// notes, so its GUID column must equal the package's guids.
func TestAnkiCSVGUIDsAreThePackageGUIDs(t *testing.T) {
	d, dist := buildDeck(t, decktest.CopyDeck(t, "testdata/deck"), "apkg", "csv")
	for _, target := range []string{"fixture", "fixture-alpha", "fixture-edge"} {
		f := readAnki(t, filepath.Join(dist, target+".csv"))
		got := map[string]string{}
		for _, r := range f.records {
			got[r[0]] = r[8]
		}
		want := packageGUIDs(t, filepath.Join(dist, target+".apkg"))
		if len(want) == 0 {
			t.Fatalf("%s.apkg has no notes", target)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: CSV guids (-apkg +csv):\n%s", target, diff)
		}
	}
	if len(d.Cards) == 0 {
		t.Fatal("empty deck")
	}
}
