package ankiimport

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzImport feeds arbitrary bytes as a package: the import may fail, but
// with an error, never a panic, and a failed import writes nothing.
func FuzzImport(f *testing.F) {
	dir := f.TempDir()
	for i, fm := range []pkgFormat{fmtLegacy1, fmtLegacy2, fmtLatest} {
		p := filepath.Join(dir, string(rune('a'+i))+".apkg")
		sampleDeck().writePackage(f, p, fm)
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		apkg := filepath.Join(dir, "in.apkg")
		if err := os.WriteFile(apkg, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "out")
		lim := Limits{Collection: 4 << 20, MediaFile: 1 << 20, Total: 8 << 20, Entries: 100}
		if _, err := Run(Options{File: apkg, Dir: out, Limits: lim}); err != nil {
			if _, serr := os.Stat(out); serr == nil {
				t.Fatalf("a failed import (%v) left %s", err, out)
			}
		}
	})
}
