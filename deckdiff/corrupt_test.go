package deckdiff

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rezip writes a copy of the package at src to dst with entry name replaced
// by data (or dropped when data is nil).
func rezip(t *testing.T, src, dst, name string, data []byte) {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		content := readEntry(t, f)
		if f.Name == name {
			if data == nil {
				continue
			}
			content = data
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(content)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readEntry(t *testing.T, f *zip.File) []byte {
	t.Helper()
	r, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withCollection returns the package's collection.anki2 after running sql on it.
func withCollection(t *testing.T, pkg, stmt string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(pkg)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	path := filepath.Join(t.TempDir(), "collection.anki2")
	for _, f := range zr.File {
		if f.Name == "collection.anki2" {
			if err := os.WriteFile(path, readEntry(t, f), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	db.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A damaged package, however it is damaged, is an error that names the
// file, never a panic (cardgen diff reads packages people hand it).
func TestLoadRejectsCorruptPackages(t *testing.T) {
	dir, keep := t.TempDir(), t.TempDir()
	good := buildRelease(t, dir, release1, 1700000000, keep).apkg
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	bad := t.TempDir()
	cases := map[string]func(t *testing.T, path string){
		"truncated":     func(t *testing.T, p string) { os.WriteFile(p, data[:len(data)/2], 0o644) },
		"empty":         func(t *testing.T, p string) { os.WriteFile(p, nil, 0o644) },
		"no collection": func(t *testing.T, p string) { rezip(t, good, p, "collection.anki2", nil) },
		"collection junk": func(t *testing.T, p string) {
			rezip(t, good, p, "collection.anki2", []byte("SQLite format 3\x00 and then nothing"))
		},
		"no notes table": func(t *testing.T, p string) {
			rezip(t, good, p, "collection.anki2", withCollection(t, good, "DROP TABLE notes"))
		},
		"no col row": func(t *testing.T, p string) {
			rezip(t, good, p, "collection.anki2", withCollection(t, good, "DELETE FROM col"))
		},
		"models not json": func(t *testing.T, p string) {
			rezip(t, good, p, "collection.anki2", withCollection(t, good, "UPDATE col SET models = '{'"))
		},
		"unknown notetype": func(t *testing.T, p string) {
			rezip(t, good, p, "collection.anki2", withCollection(t, good, "UPDATE notes SET mid = 42"))
		},
		"one field": func(t *testing.T, p string) {
			rezip(t, good, p, "collection.anki2", withCollection(t, good, "UPDATE notes SET flds = 'x'"))
		},
		"blob fields": func(t *testing.T, p string) {
			rezip(t, good, p, "collection.anki2", withCollection(t, good, "UPDATE notes SET flds = X'FF00FE'"))
		},
	}
	for name, corrupt := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(bad, strings.ReplaceAll(name, " ", "-")+".apkg")
			corrupt(t, path)
			_, err := Load(path)
			if err == nil {
				// Damage Anki would still import is fine to read; it must not panic.
				t.Logf("%s: read without error", name)
				return
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("%s: error %q does not name the file", name, err)
			}
			t.Logf("%s: %v", name, err)
		})
	}
	var out bytes.Buffer
	if err := Run(filepath.Join(bad, "truncated.apkg"), good, &out); err == nil {
		t.Error("cardgen diff of a truncated package succeeded")
	}
}
