package apkg_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/ankinote"
	"github.com/cardgen/cardgen/internal/decktest"
	"github.com/cardgen/cardgen/lock"
	"github.com/google/go-cmp/cmp"
)

// A deck with declared note types: each is written with its own id, name,
// fields, templates and CSS; notes carry their fields in order and their
// guid; cards follow Anki's generation rules.
func TestDeclaredNoteTypes(t *testing.T) {
	cfg := decktest.CopyNoteTypesDeck(t)
	runBuild(t, cfg, t1)
	deck := loadDeck(t, cfg)
	p := openPackage(t, distPath(cfg, "nt-test.apkg"))

	models := p.colJSON(t, "models")
	vocab, ok := models["1342697561419"]
	if !ok {
		t.Fatalf("no model 1342697561419 in %v", keys(models))
	}
	for _, m := range []map[string]any{vocab, models["1342697561420"]} {
		checkKeys(t, "model", m, modelKeys)
		for _, f := range m["flds"].([]any) {
			checkKeys(t, "field", f.(map[string]any), fieldKeys)
		}
		for _, tm := range m["tmpls"].([]any) {
			checkKeys(t, "template", tm.(map[string]any), tmplKeys)
		}
	}
	if vocab["name"] != "Japanese (recognition)" || vocab["type"] != float64(0) || vocab["sortf"] != float64(0) || vocab["mod"] != float64(t1) {
		t.Errorf("vocab model: name %v type %v sortf %v mod %v", vocab["name"], vocab["type"], vocab["sortf"], vocab["mod"])
	}
	if css := vocab["css"].(string); !strings.HasPrefix(css, `.card { font-family: "Noto Sans CJK JP"`) || strings.Contains(css, "hl-chroma") {
		t.Errorf("vocab css is not the declared one:\n%s", css)
	}
	if d := cmp.Diff([]string{"Word", "Reading", "Meaning"}, names(vocab["flds"])); d != "" {
		t.Errorf("vocab fields (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"Recognition", "Recall"}, names(vocab["tmpls"])); d != "" {
		t.Errorf("vocab templates (-want +got):\n%s", d)
	}
	recall := vocab["tmpls"].([]any)[1].(map[string]any)
	if recall["qfmt"] != "{{#Meaning}}{{Meaning}}{{/Meaning}}" || recall["ord"] != float64(1) {
		t.Errorf("Recall template = %v", recall)
	}
	cloze := models["1342697561420"]
	if cloze == nil || cloze["type"] != float64(1) || cloze["name"] != "Cloze+" {
		t.Fatalf("cloze model = %v", cloze)
	}
	if d := cmp.Diff([]string{"Text", "Back Extra"}, names(cloze["flds"])); d != "" {
		t.Errorf("cloze fields (-want +got):\n%s", d)
	}
	// The built-in types stay exactly as they are.
	for _, nt := range ankinote.All(deck.Config)[:3] {
		if models[jsonID(nt.ID)]["name"] != nt.Name {
			t.Errorf("built-in model %d missing or renamed", nt.ID)
		}
	}

	notes := p.notes(t)
	neko, ok := notes["f~3Kx#9!Ab"]
	if !ok {
		t.Fatalf("no note with the card's own guid; guids: %v", keys(notes))
	}
	flds := strings.Split(neko.Flds, "\x1f")
	if neko.Mid != 1342697561419 || len(flds) != 3 || flds[0] != "<p>猫</p>" || flds[1] != "<p>ねこ</p>" || !strings.Contains(flds[2], "<code>neko</code>") {
		t.Errorf("neko note: mid %d, fields %q", neko.Mid, flds)
	}
	if neko.Sfld != "猫" || neko.Csum != ankiCsum(flds[0]) || neko.Tags != " animal topic::words " {
		t.Errorf("neko note: sfld %q csum %d tags %q", neko.Sfld, neko.Csum, neko.Tags)
	}
	roi := notes["Qz7Lp0Xw1c"]
	rf := strings.Split(roi.Flds, "\x1f")
	if roi.Mid != 1342697561420 || len(rf) != 2 || !strings.Contains(rf[0], "{{c1::ROIAlign}}") || !strings.Contains(rf[0], `\(y = \lfloor x \rfloor\)`) {
		t.Errorf("roi note: mid %d, fields %q", roi.Mid, rf)
	}
	var media map[string]string
	if err := json.Unmarshal(p.entries["media"], &media); err != nil {
		t.Fatal(err)
	}
	if len(media) != 1 || !strings.Contains(rf[1], `src="`+media["0"]+`"`) {
		t.Errorf("Back Extra %q does not name the packaged image %v", rf[1], media)
	}
	inu := notes[cards.GUID("nt-test", "inu")]
	if inu.Mid != 1342697561419 {
		t.Errorf("inu note: guid derived from the id expected, notes %v", keys(notes))
	}

	// Cards: one per template whose front shows a field, one per cloze number.
	ords := map[string][]int64{}
	byNid := map[int64]string{}
	for g, n := range notes {
		byNid[n.ID] = g
	}
	for _, c := range p.cards(t) {
		ords[byNid[c.Nid]] = append(ords[byNid[c.Nid]], c.Ord)
	}
	want := map[string][]int64{
		"f~3Kx#9!Ab":                 {0, 1}, // Recognition and Recall
		cards.GUID("nt-test", "inu"): {0},    // no Meaning: no Recall card
		"Qz7Lp0Xw1c":                 {0, 1}, // c1 and c2
		cards.GUID("nt-test", "nms"): {0},
	}
	if d := cmp.Diff(want, ords); d != "" {
		t.Errorf("card ords by note (-want +got):\n%s", d)
	}

	l, err := lock.Load(filepath.Join(filepath.Dir(cfg), "cardgen.lock"))
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := l.NoteTypes["vocab"]; !ok || e.Mod != t1 {
		t.Errorf("lock has no entry for note type vocab: %v", l.NoteTypes)
	}
	if c := l.Cards["neko"]; c.GUID != "f~3Kx#9!Ab" || c.Type != "vocab" || c.Question != "猫" {
		t.Errorf("lock entry of neko = %+v", c)
	}
}

// A declared note type's mod moves when, and only when, its content changes;
// its notes keep theirs.
func TestDeclaredNoteTypeMod(t *testing.T) {
	cfg := decktest.CopyNoteTypesDeck(t)
	dir := filepath.Dir(cfg)
	runBuild(t, cfg, t1)
	first := readFile(t, distPath(cfg, "nt-test.apkg"))
	runBuild(t, cfg, t2)
	if !bytes.Equal(first, readFile(t, distPath(cfg, "nt-test.apkg"))) {
		t.Fatal("a rebuild without change is not byte-identical")
	}
	editFile(t, filepath.Join(dir, "notetypes", "vocab.toml"), "font-size: 28px", "font-size: 30px")
	runBuild(t, cfg, t3)
	l, err := lock.Load(filepath.Join(dir, "cardgen.lock"))
	if err != nil {
		t.Fatal(err)
	}
	if l.NoteTypes["vocab"].Mod != t3 || l.NoteTypes["cloze-plus"].Mod != t1 || l.NoteTypes["basic"].Mod != t1 {
		t.Errorf("note type mods after a CSS edit: %v", l.NoteTypes)
	}
	if l.Cards["neko"].Mod != t1 {
		t.Errorf("neko's mod moved with its note type's CSS: %d", l.Cards["neko"].Mod)
	}

	// A retired card of a declared type keeps its guid and note type.
	editFile(t, filepath.Join(dir, "cards", "words.toml"), `id = "neko"
type = "vocab"
guid = "f~3Kx#9!Ab"`, `id = "neko-new"
type = "vocab"`)
	runBuild(t, cfg, t3+100)
	p := openPackage(t, distPath(cfg, "nt-test.apkg"))
	notes := p.notes(t)
	n, ok := notes["f~3Kx#9!Ab"]
	if !ok || n.Mid != 1342697561419 || !strings.Contains(n.Tags, ankinote.RetiredTag) || !strings.HasPrefix(n.Flds, `<div class="retired">`) {
		t.Errorf("retired neko: %+v (found %v)", n, ok)
	}
}

func names(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(map[string]any)["name"].(string))
	}
	return out
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
