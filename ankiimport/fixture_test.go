package ankiimport

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"google.golang.org/protobuf/encoding/protowire"
)

// The fixtures below are collections laid out as Anki writes them: the
// schema 11 tables with JSON note types and decks (collection.anki2 and
// .anki21), and the schema 18 tables with protobuf configs, zstd-compressed
// with a protobuf media map (collection.anki21b).

type fxNoteType struct {
	id        int64
	name      string
	cloze     bool
	sortf     int
	css       string
	fields    []string
	templates []template
	mod       int64
	// browser gives the first template a browser appearance.
	browser bool
}

type fxNote struct {
	id     int64
	guid   string
	mid    int64
	mod    int64
	tags   string
	fields []string
	deck   int64
	due    int64
}

type fxCollection struct {
	noteTypes []fxNoteType
	decks     map[int64]string
	notes     []fxNote
	media     map[string][]byte
}

const schema11 = `
CREATE TABLE col (id integer primary key, crt integer not null, mod integer not null, scm integer not null,
 ver integer not null, dty integer not null, usn integer not null, ls integer not null, conf text not null,
 models text not null, decks text not null, dconf text not null, tags text not null);
CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null, mod integer not null,
 usn integer not null, tags text not null, flds text not null, sfld integer not null, csum integer not null,
 flags integer not null, data text not null);
CREATE TABLE cards (id integer primary key, nid integer not null, did integer not null, ord integer not null,
 mod integer not null, usn integer not null, type integer not null, queue integer not null, due integer not null,
 ivl integer not null, factor integer not null, reps integer not null, lapses integer not null, left integer not null,
 odue integer not null, odid integer not null, flags integer not null, data text not null);
CREATE TABLE revlog (id integer primary key, cid integer not null, usn integer not null, ease integer not null,
 ivl integer not null, lastIvl integer not null, factor integer not null, time integer not null, type integer not null);
CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
`

const schema18 = `
CREATE TABLE fields (ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL, config blob NOT NULL, PRIMARY KEY (ntid, ord)) without rowid;
CREATE TABLE templates (ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL, mtime_secs integer NOT NULL,
 usn integer NOT NULL, config blob NOT NULL, PRIMARY KEY (ntid, ord)) without rowid;
CREATE TABLE notetypes (id integer NOT NULL PRIMARY KEY, name text NOT NULL, mtime_secs integer NOT NULL, usn integer NOT NULL, config blob NOT NULL);
CREATE TABLE decks (id integer PRIMARY KEY NOT NULL, name text NOT NULL, mtime_secs integer NOT NULL, usn integer NOT NULL,
 common blob NOT NULL, kind blob NOT NULL);
`

// writeSQLite writes the collection as a SQLite file of the given schema (11 or 18).
func (fx fxCollection) writeSQLite(t testing.TB, path string, ver int) {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := tx.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(schema11)
	models, decks := "", ""
	if ver == 11 {
		ms := map[string]any{}
		for _, nt := range fx.noteTypes {
			var flds, tmpls []map[string]any
			for i, f := range nt.fields {
				flds = append(flds, map[string]any{"name": f, "ord": i})
			}
			for i, tp := range nt.templates {
				tm := map[string]any{"name": tp.Name, "ord": i, "qfmt": tp.Front, "afmt": tp.Back, "bqfmt": "", "bafmt": "", "did": nil}
				if nt.browser && i == 0 {
					tm["bqfmt"] = "{{Word}}"
				}
				tmpls = append(tmpls, tm)
			}
			typ := 0
			if nt.cloze {
				typ = 1
			}
			ms[strconv.FormatInt(nt.id, 10)] = map[string]any{"id": nt.id, "name": nt.name, "type": typ, "mod": nt.mod,
				"sortf": nt.sortf, "css": nt.css, "flds": flds, "tmpls": tmpls, "latexPre": "", "latexPost": ""}
		}
		ds := map[string]any{}
		for id, name := range fx.decks {
			ds[strconv.FormatInt(id, 10)] = map[string]any{"id": id, "name": name}
		}
		b, _ := json.Marshal(ms)
		models = string(b)
		b, _ = json.Marshal(ds)
		decks = string(b)
	} else {
		exec(schema18)
		for _, nt := range fx.noteTypes {
			var cfg []byte
			if nt.cloze {
				cfg = protowire.AppendTag(cfg, 1, protowire.VarintType)
				cfg = protowire.AppendVarint(cfg, 1)
			}
			cfg = protowire.AppendTag(cfg, 2, protowire.VarintType)
			cfg = protowire.AppendVarint(cfg, uint64(nt.sortf))
			cfg = protowire.AppendTag(cfg, 3, protowire.BytesType)
			cfg = protowire.AppendString(cfg, nt.css)
			exec("INSERT INTO notetypes VALUES (?,?,?,0,?)", nt.id, nt.name, nt.mod, cfg)
			for i, f := range nt.fields {
				exec("INSERT INTO fields VALUES (?,?,?,?)", nt.id, i, f, []byte{})
			}
			for i, tp := range nt.templates {
				var tc []byte
				tc = protowire.AppendTag(tc, 1, protowire.BytesType)
				tc = protowire.AppendString(tc, tp.Front)
				tc = protowire.AppendTag(tc, 2, protowire.BytesType)
				tc = protowire.AppendString(tc, tp.Back)
				if nt.browser && i == 0 {
					tc = protowire.AppendTag(tc, 3, protowire.BytesType)
					tc = protowire.AppendString(tc, "{{Word}}")
				}
				exec("INSERT INTO templates VALUES (?,?,?,0,0,?)", nt.id, i, tp.Name, tc)
			}
		}
		for id, name := range fx.decks {
			exec("INSERT INTO decks VALUES (?,?,0,0,?,?)", id, strings.ReplaceAll(name, "::", "\x1f"), []byte{}, []byte{})
		}
	}
	exec("INSERT INTO col VALUES (1,0,0,0,?,0,0,0,'{}',?,?,'{}','{}')", ver, models, decks)
	for i, n := range fx.notes {
		exec("INSERT INTO notes VALUES (?,?,?,?,0,?,?,'',0,0,'')", n.id, n.guid, n.mid, n.mod, n.tags, strings.Join(n.fields, "\x1f"))
		exec("INSERT INTO cards VALUES (?,?,?,0,0,0,0,0,?,0,0,0,0,0,0,0,0,'')", n.id+int64(i), n.id, n.deck, n.due)
	}
}

// pkgFormat is a package layout Anki writes.
type pkgFormat int

const (
	fmtLegacy1 pkgFormat = iota // collection.anki2, JSON media map, no meta
	fmtLegacy2                  // meta=2, collection.anki21 and a dummy anki2
	fmtLatest                   // meta=3, zstd collection.anki21b, protobuf media map, zstd media
)

// writePackage writes the collection as a package of the given layout.
func (fx fxCollection) writePackage(t testing.TB, path string, f pkgFormat) {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "col.db")
	ver := 11
	if f == fmtLatest {
		ver = 18
	}
	fx.writeSQLite(t, db, ver)
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string][]byte{}
	var names []string
	for n := range fx.media {
		names = append(names, n)
	}
	sortStrings(names)
	switch f {
	case fmtLegacy1:
		entries["collection.anki2"] = data
	case fmtLegacy2:
		entries["collection.anki21"] = data
		entries["collection.anki2"] = data
		entries["meta"] = protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 2)
	case fmtLatest:
		entries["collection.anki21b"] = zstdBytes(t, data)
		entries["meta"] = protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 3)
	}
	if f == fmtLatest {
		var list []byte
		for i, n := range names {
			var e []byte
			e = protowire.AppendTag(e, 1, protowire.BytesType)
			e = protowire.AppendString(e, n)
			list = protowire.AppendTag(list, 1, protowire.BytesType)
			list = protowire.AppendBytes(list, e)
			entries[strconv.Itoa(i)] = zstdBytes(t, fx.media[n])
		}
		entries["media"] = zstdBytes(t, list)
	} else {
		m := map[string]string{}
		for i, n := range names {
			m[strconv.Itoa(i)] = n
			entries[strconv.Itoa(i)] = fx.media[n]
		}
		b, _ := json.Marshal(m)
		entries["media"] = b
	}
	writeZip(t, path, entries)
}

func writeZip(t testing.TB, path string, entries map[string][]byte) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var names []string
	for n := range entries {
		names = append(names, n)
	}
	sortStrings(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(entries[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func zstdBytes(t testing.TB, b []byte) []byte {
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(b, nil)
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// png1 is a 1x1 PNG.
var png1 = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// sampleDeck is a deck as a learner builds it in Anki: the stock Basic and
// Cloze note types, a note type of its own, subdecks, tags, an image,
// sound, math, code and a cloze.
func sampleDeck() fxCollection {
	basic := fxNoteType{id: 1700000000001, name: "Basic", fields: []string{"Front", "Back"}, mod: 1700000100,
		css: ".card { font-family: arial; }", templates: []template{{"Card 1", "{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}"}}}
	cloze := fxNoteType{id: 1700000000002, name: "Cloze", cloze: true, fields: []string{"Text", "Back Extra"}, mod: 1700000200,
		css: ".cloze { font-weight: bold; }", templates: []template{{"Cloze", "{{cloze:Text}}", "{{cloze:Text}}<br>{{Back Extra}}"}}}
	word := fxNoteType{id: 1700000000003, name: "日语单词", fields: []string{"Word", "Reading", "Meaning", "Audio"}, mod: 1700000300,
		css: "@font-face { font-family: kana; src: url(_kana.woff); }\n.word { font-size: 40px; }", templates: []template{
			{"Recognition", `<div class="word">{{Word}}</div>`, "{{FrontSide}}<hr id=answer>{{Reading}}<br>{{Meaning}}{{Audio}}"},
			{"Recall", "{{Meaning}}", "{{FrontSide}}<hr id=answer>{{Word}}"},
		}}
	return fxCollection{
		noteTypes: []fxNoteType{basic, cloze, word},
		decks:     map[int64]string{1: "Default", 10: "Vision", 11: "Vision::Detection", 12: "Vision::Words", 13: "Vision::Detection::Anchors"},
		notes: []fxNote{
			{id: 1600000000001, guid: "a1B2c3D4e5", mid: basic.id, mod: 1650000001, tags: " loss iou ", deck: 11, due: 1,
				fields: []string{"What is <b>IoU</b>?", `Intersection over union: \(\frac{|A\cap B|}{|A\cup B|}\)<br><img src="iou fig.png">`}},
			{id: 1600000000002, guid: "Zz9#yY8xX7", mid: basic.id, mod: 1650000002, tags: "", deck: 11, due: 2,
				fields: []string{"Code for NMS?", `<pre><code>keep = nms(boxes, scores, 0.5)</code></pre><p>Price is $5</p>`}},
			{id: 1600000000003, guid: "clozeGUID01", mid: cloze.id, mod: 1650000003, tags: "marked", deck: 13, due: 3,
				fields: []string{"Anchors have {{c1::aspect ratios}} and {{c2::scales::hint}}.", "<u>extra</u> note"}},
			{id: 1600000000004, guid: "wordGUID001", mid: word.id, mod: 1650000004, tags: "jlpt::n5", deck: 12, due: 4,
				fields: []string{"猫", "ねこ", "cat", "[sound:neko.mp3]"}},
			{id: 1600000000005, guid: "wordGUID002", mid: word.id, mod: 1650000005, tags: "jlpt::n5", deck: 12, due: 5,
				fields: []string{"犬", "いぬ", "dog", ""}},
		},
		media: map[string][]byte{"iou fig.png": png1, "neko.mp3": []byte("ID3 not really an mp3"), "_kana.woff": []byte("wOFF"), "unused.png": png1},
	}
}

func writeSQLiteRaw(t testing.TB, path, script string) {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(script); err != nil {
		t.Fatal(err)
	}
}
