// Package decktest holds what tests of several packages share: copying a
// fixture deck to a scratch folder, and reading the notes of an .apkg they
// built through SQLite, as Anki would.
package decktest

import (
	"archive/zip"
	"database/sql"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3" // the driver the collection is read with
)

// Note is one row of the package's notes table.
type Note struct {
	ID   string // the first field: the card id for the built-in note types
	GUID string
	Mid  int64 // note type id
	Mod  int64 // the note's modification time, in seconds
	// Fields is the flds column: every field, joined by Anki's 0x1f.
	Fields string
	Tags   string
}

// Notes extracts collection.anki2 from the package at path and returns its
// notes in table order. The test fails if the package or its collection is missing or broken.
func Notes(tb testing.TB, path string) []Note {
	tb.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer zr.Close()
	db := filepath.Join(tb.TempDir(), "collection.anki2")
	found := false
	for _, f := range zr.File {
		if f.Name != "collection.anki2" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(db, data, 0o644); err != nil {
			tb.Fatal(err)
		}
		found = true
	}
	if !found {
		tb.Fatalf("%s has no collection.anki2", path)
	}
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query("SELECT guid, flds, mid, mod, tags FROM notes")
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []Note
	for rows.Next() {
		var n Note
		if err := rows.Scan(&n.GUID, &n.Fields, &n.Mid, &n.Mod, &n.Tags); err != nil {
			tb.Fatal(err)
		}
		n.ID = strings.SplitN(n.Fields, "\x1f", 2)[0]
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// CopyDeck copies the fixture deck in folder src into a new temporary
// folder and returns the path of its config.toml.
func CopyDeck(tb testing.TB, src string) string {
	tb.Helper()
	dst := filepath.Join(tb.TempDir(), "deck")
	CopyTree(tb, src, dst)
	return filepath.Join(dst, "config.toml")
}

// CopyNoteTypesDeck copies the fixture deck with declared note types
// (testdata/notetypes: a standard type with two templates, a cloze type, card
// guids, media and math in declared fields) and returns its config.toml.
func CopyNoteTypesDeck(tb testing.TB) string {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("cannot locate the decktest package")
	}
	return CopyDeck(tb, filepath.Join(filepath.Dir(file), "testdata", "notetypes"))
}

// CopyTree copies the folders and regular files under src into dst; builds
// write their lock and output next to config.toml, so tests build in a copy.
func CopyTree(tb testing.TB, src, dst string) {
	tb.Helper()
	copyTree(tb, src, dst, func(string) bool { return false })
}

// copyTree copies src into dst, leaving out the files skip names.
func copyTree(tb testing.TB, src, dst string, skip func(path string) bool) {
	tb.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if skip(path) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// CopyRepoDeck copies the repository's own deck (config.toml, cardgen.lock and
// cards/ without Go files) from root into a new temporary folder and returns
// the copied config.toml, so a test can build the shipped deck without
// touching the repository.
func CopyRepoDeck(tb testing.TB, root string) string {
	tb.Helper()
	dst := filepath.Join(tb.TempDir(), "deck")
	for _, name := range []string{"config.toml", "cardgen.lock"} {
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.MkdirAll(dst, 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, name), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	copyTree(tb, filepath.Join(root, "cards"), filepath.Join(dst, "cards"), func(path string) bool {
		return strings.HasSuffix(path, ".go")
	})
	return filepath.Join(dst, "config.toml")
}
