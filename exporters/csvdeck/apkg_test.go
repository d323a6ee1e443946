package csvdeck_test

import (
	"archive/zip"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	_ "github.com/mattn/go-sqlite3"
)

// packageGUIDs reads the notes of an .apkg and maps each note's first field
// (the card ID) to its guid.
func packageGUIDs(t *testing.T, path string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	db := filepath.Join(t.TempDir(), "collection.anki2")
	for _, f := range zr.File {
		if f.Name != "collection.anki2" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(db, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query("SELECT guid, flds FROM notes")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var guid, flds string
		if err := rows.Scan(&guid, &flds); err != nil {
			t.Fatal(err)
		}
		out[strings.SplitN(flds, "\x1f", 2)[0]] = guid
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// After the package has been imported once, the CSV must address the same
// notes, so its GUID column must equal the package's guids.
func TestAnkiCSVGUIDsAreThePackageGUIDs(t *testing.T) {
	d, dist := buildDeck(t, copyDeck(t), "apkg", "csv")
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
