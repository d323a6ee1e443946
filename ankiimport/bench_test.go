package ankiimport

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkImport10k imports a current-format package of 10,000 notes of
// three note types with math, code, images and tags in eight subdecks.
func BenchmarkImport10k(b *testing.B) {
	fx := sampleDeck()
	fx.decks = map[int64]string{1: "Default", 10: "Big"}
	for i := int64(0); i < 8; i++ {
		fx.decks[20+i] = fmt.Sprintf("Big::Part %d", i)
	}
	base := fx.notes
	fx.notes = nil
	for i := 0; i < 10_000; i++ {
		n := base[i%len(base)]
		n.id = 1600000000000 + int64(i)*1000
		n.guid = fmt.Sprintf("g%09d", i)
		n.deck = 20 + int64(i%8)
		n.due = int64(i)
		f := append([]string{}, n.fields...)
		f[0] = fmt.Sprintf("%s #%d", f[0], i)
		n.fields = f
		fx.notes = append(fx.notes, n)
	}
	dir := b.TempDir()
	apkg := filepath.Join(dir, "big.apkg")
	fx.writePackage(b, apkg, fmtLatest)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Run(Options{File: apkg, Dir: filepath.Join(dir, fmt.Sprint("out", i))})
		if err != nil {
			b.Fatal(err)
		}
		if n := len(res.Plan.CardMods); n != 10_000 {
			b.Fatalf("%d notes imported", n)
		}
	}
}
