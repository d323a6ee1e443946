package ankiimport

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"google.golang.org/protobuf/encoding/protowire"
)

// hostileRun imports a package that must fail, and checks that the error
// says why and that nothing was written anywhere near the destination.
func hostileRun(t *testing.T, apkg string, want string) {
	t.Helper()
	root := filepath.Dir(apkg)
	before := readTree(t, root)
	dest := filepath.Join(root, "out")
	_, err := Run(Options{File: apkg, Dir: dest})
	if err == nil {
		t.Fatalf("import succeeded, want an error containing %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error = %v\nwant it to contain %q", err, want)
	}
	after := readTree(t, root)
	if len(after) != len(before) {
		t.Errorf("the import wrote files: before %d, after %d", len(before), len(after))
	}
	if _, err := os.Stat(dest); err == nil {
		t.Errorf("%s was created", dest)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(root, ".cardgen-import-*")); len(leftovers) > 0 {
		t.Errorf("temp folders left: %v", leftovers)
	}
}

// legacyEntries is a good legacy package's entries, to be spoiled.
func legacyEntries(t *testing.T) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "ok.apkg")
	sampleDeck().writePackage(t, p, fmtLegacy1)
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		out[f.Name] = b.Bytes()
	}
	return out
}

func TestHostileZipEntries(t *testing.T) {
	for name, tc := range map[string]struct{ entry, want string }{
		"dot-dot":   {"../../evil.txt", "climbs out of its folder"},
		"nested":    {"media/../../evil", "climbs out of its folder"},
		"absolute":  {"/etc/evil", "absolute path"},
		"drive":     {"C:/evil", "absolute path"},
		"backslash": {`..\evil`, "backslash"},
	} {
		t.Run(name, func(t *testing.T) {
			entries := legacyEntries(t)
			entries[tc.entry] = []byte("x")
			apkg := filepath.Join(t.TempDir(), "bad.apkg")
			writeZip(t, apkg, entries)
			hostileRun(t, apkg, tc.want)
		})
	}
}

func TestHostileSymlinkEntry(t *testing.T) {
	entries := legacyEntries(t)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range sortedKeys(entries) {
		w, _ := zw.Create(n)
		w.Write(entries[n])
	}
	h := &zip.FileHeader{Name: "link"}
	h.SetMode(fs.ModeSymlink | 0o777)
	w, _ := zw.CreateHeader(h)
	w.Write([]byte("/etc/passwd"))
	zw.Close()
	apkg := filepath.Join(t.TempDir(), "link.apkg")
	os.WriteFile(apkg, buf.Bytes(), 0o644)
	hostileRun(t, apkg, "symbolic link")
}

func TestHostileMediaMap(t *testing.T) {
	for name, bad := range map[string]string{
		"dot-dot":  "../../outside.png",
		"absolute": "/tmp/outside.png",
		"path":     "sub/outside.png",
		"dotdot":   "..",
	} {
		t.Run(name, func(t *testing.T) {
			entries := legacyEntries(t)
			m, _ := json.Marshal(map[string]string{"0": bad})
			entries["media"] = m
			entries["0"] = png1
			apkg := filepath.Join(t.TempDir(), "media.apkg")
			writeZip(t, apkg, entries)
			hostileRun(t, apkg, "the media map names")
		})
	}
	t.Run("protobuf", func(t *testing.T) {
		dir := t.TempDir()
		ok := filepath.Join(dir, "ok.apkg")
		sampleDeck().writePackage(t, ok, fmtLatest)
		entries := map[string][]byte{}
		zr, _ := zip.OpenReader(ok)
		for _, f := range zr.File {
			rc, _ := f.Open()
			var b bytes.Buffer
			b.ReadFrom(rc)
			rc.Close()
			entries[f.Name] = b.Bytes()
		}
		zr.Close()
		var e, list []byte
		e = protowire.AppendTag(e, 1, protowire.BytesType)
		e = protowire.AppendString(e, "../../../evil.png")
		list = protowire.AppendTag(list, 1, protowire.BytesType)
		list = protowire.AppendBytes(list, e)
		entries["media"] = zstdBytes(t, list)
		apkg := filepath.Join(dir, "bad.apkg")
		writeZip(t, apkg, entries)
		hostileRun(t, apkg, "the media map names")
	})
}

func TestHostileNotACollection(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other.db")
	db := fxCollection{}
	_ = db
	writeSQLiteRaw(t, other, "CREATE TABLE people (name text); INSERT INTO people VALUES ('x');")
	data, _ := os.ReadFile(other)
	apkg := filepath.Join(dir, "notcol.apkg")
	writeZip(t, apkg, map[string][]byte{"collection.anki2": data, "media": []byte("{}")})
	hostileRun(t, apkg, "is not an Anki collection")

	garbage := filepath.Join(dir, "garbage.apkg")
	writeZip(t, garbage, map[string][]byte{"collection.anki2": []byte("this is not SQLite at all, just text"), "media": []byte("{}")})
	hostileRun(t, garbage, "is not an Anki collection")

	notZip := filepath.Join(dir, "plain.apkg")
	os.WriteFile(notZip, []byte("hello"), 0o644)
	hostileRun(t, notZip, "not a zip file")

	empty := filepath.Join(dir, "empty.apkg")
	writeZip(t, empty, map[string][]byte{"readme.txt": []byte("hi")})
	hostileRun(t, empty, "no collection.anki2 in the package")
}

// A zstd bomb: a few kilobytes that expand past the collection limit.
func TestHostileZstdBomb(t *testing.T) {
	dir := t.TempDir()
	var bomb bytes.Buffer
	enc, _ := zstd.NewWriter(&bomb, zstd.WithEncoderLevel(zstd.SpeedFastest))
	zeros := make([]byte, 1<<20)
	for i := int64(0); i < DefaultLimits.Collection>>20+8; i++ {
		enc.Write(zeros)
	}
	enc.Close()
	if bomb.Len() > 1<<20 {
		t.Fatalf("bomb is %d bytes; want a small one", bomb.Len())
	}
	meta := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 3)
	apkg := filepath.Join(dir, "bomb.apkg")
	writeZip(t, apkg, map[string][]byte{"meta": meta, "collection.anki21b": bomb.Bytes(), "media": zstdBytes(t, nil)})
	hostileRun(t, apkg, "expands past its limit")
}

// A package whose zip directory declares a 2 GB entry is refused before
// anything is read.
func TestHostileDeclaredSize(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range legacyEntries(t) {
		w, _ := zw.Create(name)
		w.Write(data)
	}
	h := &zip.FileHeader{Name: "0", Method: zip.Store, UncompressedSize64: 2 << 30, CompressedSize64: 4, CRC32: 0}
	w, err := zw.CreateRaw(h)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("tiny"))
	zw.Close()
	apkg := filepath.Join(dir, "huge.apkg")
	os.WriteFile(apkg, buf.Bytes(), 0o644)
	hostileRun(t, apkg, "declares 2.0 GiB")
}

// With --into, a hostile package leaves the project exactly as it was.
func TestHostileInto(t *testing.T) {
	cfg := copyDeck(t, "../builder/testdata/repro")
	root := filepath.Dir(cfg)
	before := readTree(t, root)
	entries := legacyEntries(t)
	m, _ := json.Marshal(map[string]string{"0": "../cards/detection.toml"})
	entries["media"] = m
	entries["0"] = []byte("overwritten")
	apkg := filepath.Join(t.TempDir(), "bad.apkg")
	writeZip(t, apkg, entries)
	_, err := Run(Options{File: apkg, Into: root})
	if err == nil || !strings.Contains(err.Error(), "the media map names") {
		t.Fatalf("err = %v", err)
	}
	after := readTree(t, root)
	if len(after) != len(before) {
		t.Errorf("files: %d → %d", len(before), len(after))
	}
	for name, data := range before {
		if after[name] != data {
			t.Errorf("%s changed", name)
		}
	}
}

// Nonsense in a collection's note types (a negative or too large sort field,
// a note with other fields than its note type) is an error or repaired, never a panic.
func TestDamagedCollection(t *testing.T) {
	fx := sampleDeck()
	fx.noteTypes[0].sortf = -3
	fx.noteTypes[2].sortf = 99
	apkg := filepath.Join(t.TempDir(), "odd.apkg")
	fx.writePackage(t, apkg, fmtLegacy1)
	if _, err := Run(Options{File: apkg, Dir: filepath.Join(t.TempDir(), "p")}); err != nil {
		t.Fatalf("sort fields out of range: %v", err)
	}
	fx = sampleDeck()
	fx.notes[0].fields = []string{"only one field"}
	fx.notes[3].mid = 42
	apkg = filepath.Join(t.TempDir(), "bad.apkg")
	fx.writePackage(t, apkg, fmtLatest)
	hostileRun(t, apkg, "has 1 fields, its note type \"Basic\" has 2")
	_, err := Run(Options{File: apkg, Dir: filepath.Join(t.TempDir(), "q")})
	if err == nil || !strings.Contains(err.Error(), "uses note type 42, which the package does not have") {
		t.Errorf("err = %v", err)
	}
}
