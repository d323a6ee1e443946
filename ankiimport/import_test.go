package ankiimport

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/cardgen/cardgen/cards"
)

func importFixture(t *testing.T, f pkgFormat, ext string) (string, *Result) {
	t.Helper()
	dir := t.TempDir()
	apkg := filepath.Join(dir, "vision"+ext)
	sampleDeck().writePackage(t, apkg, f)
	out := filepath.Join(dir, "project")
	res, err := Run(Options{File: apkg, Dir: out})
	if err != nil {
		t.Fatal(err)
	}
	return out, res
}

func readTOML(t *testing.T, path string) map[string]any {
	t.Helper()
	var m map[string]any
	if _, err := toml.DecodeFile(path, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func cardsOf(t *testing.T, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, c := range readTOML(t, path)["cards"].([]map[string]any) {
		out = append(out, c)
	}
	return out
}

// Every format Anki writes gives the same project.
func TestImportEveryFormat(t *testing.T) {
	var first map[string]string
	for _, tc := range []struct {
		name string
		f    pkgFormat
		ext  string
	}{{"anki2", fmtLegacy1, ".apkg"}, {"anki21", fmtLegacy2, ".apkg"}, {"anki21b", fmtLatest, ".apkg"}, {"colpkg", fmtLatest, ".colpkg"}} {
		t.Run(tc.name, func(t *testing.T) {
			dir, res := importFixture(t, tc.f, tc.ext)
			validates(t, dir)
			files := readTree(t, dir)
			if first == nil {
				first = files
				checkSampleProject(t, dir, res)
				return
			}
			if len(files) != len(first) {
				t.Fatalf("%d files, want %d as from the first format", len(files), len(first))
			}
			for name, data := range first {
				if files[name] != data {
					t.Errorf("%s differs from the first format's:\n%s\n---\n%s", name, files[name], data)
				}
			}
		})
	}
}

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func checkSampleProject(t *testing.T, dir string, res *Result) {
	t.Helper()
	cfg := readTOML(t, filepath.Join(dir, "config.toml"))
	deck := cfg["deck"].(map[string]any)
	if deck["name"] != "Vision" || deck["id"] != "vision" || deck["namespace"] != "vision" || deck["notetypes"] != "notetypes" {
		t.Errorf("[deck] = %v", deck)
	}
	var topics []string
	for _, tp := range cfg["topics"].([]map[string]any) {
		topics = append(topics, tp["id"].(string)+"="+tp["name"].(string))
	}
	if got := strings.Join(topics, " "); got != "detection=Detection detection-anchors=Detection / Anchors words=Words" {
		t.Errorf("topics = %s", got)
	}
	det := cardsOf(t, filepath.Join(dir, "cards", "detection.toml"))
	if len(det) != 2 {
		t.Fatalf("detection has %d cards, want 2", len(det))
	}
	iou := det[0]
	if iou["id"] != "what-is-iou" || iou["type"] != "anki-basic" || iou["guid"] != "a1B2c3D4e5" {
		t.Errorf("first card = %v", iou)
	}
	fields := iou["fields"].(map[string]any)
	if fields["Front"] != "What is **IoU**?" {
		t.Errorf("Front = %q", fields["Front"])
	}
	if want := `Intersection over union: $\frac{|A\cap B|}{|A\cup B|}$  ` + "\n" + `![](media/iou-fig-`; !strings.HasPrefix(fields["Back"].(string), want) {
		t.Errorf("Back = %q, want prefix %q", fields["Back"], want)
	}
	if tags := iou["tags"].([]any); len(tags) != 2 || tags[0] != "loss" || tags[1] != "iou" {
		t.Errorf("tags = %v", tags)
	}
	nms := det[1]
	if got := nms["fields"].(map[string]any)["Back"]; got != "```\nkeep = nms(boxes, scores, 0.5)\n```\n\nPrice is \\$5" {
		t.Errorf("code field = %q", got)
	}
	if nms["guid"] != "Zz9#yY8xX7" {
		t.Errorf("guid = %v", nms["guid"])
	}
	cl := cardsOf(t, filepath.Join(dir, "cards", "detection-anchors.toml"))[0]
	if got := cl["fields"].(map[string]any)["Text"]; got != "Anchors have {{c1::aspect ratios}} and {{c2::scales::hint}}." {
		t.Errorf("cloze = %q", got)
	}
	if got := cl["fields"].(map[string]any)["Back Extra"]; got != "<u>extra</u> note" {
		t.Errorf("Back Extra = %q", got)
	}
	words := cardsOf(t, filepath.Join(dir, "cards", "words.toml"))
	if len(words) != 2 || !strings.HasPrefix(words[0]["id"].(string), "n-") || words[0]["type"] != "nt-"+words[0]["type"].(string)[3:] {
		t.Errorf("words = %v", words)
	}
	if got := words[0]["fields"].(map[string]any)["Audio"]; got != "[sound:neko.mp3]" {
		t.Errorf("Audio = %q", got)
	}
	// Declared note types keep id, fields, templates and CSS.
	nts, _ := filepath.Glob(filepath.Join(dir, "notetypes", "*.toml"))
	if len(nts) != 3 {
		t.Fatalf("note types: %v", nts)
	}
	word := readTOML(t, filepath.Join(dir, "notetypes", words[0]["type"].(string)+".toml"))
	if word["id"] != int64(1700000000003) || word["name"] != "日语单词" || word["kind"] != "standard" || word["sort_field"] != "Word" || word["css"] != "@font-face { font-family: kana; src: url(_kana.woff); }\n.word { font-size: 40px; }" {
		t.Errorf("word note type = %v", word)
	}
	if tm := word["templates"].([]map[string]any); len(tm) != 2 || tm[1]["front"] != "{{Meaning}}" {
		t.Errorf("templates = %v", tm)
	}
	if c := readTOML(t, filepath.Join(dir, "notetypes", "anki-cloze.toml")); c["kind"] != "cloze" {
		t.Errorf("cloze kind = %v", c["kind"])
	}
	// Media: what notes and templates use, under safe names; not the unused file.
	media, _ := filepath.Glob(filepath.Join(dir, "cards", "media", "*"))
	if len(media) != 3 || !strings.HasSuffix(media[0], "_kana.woff") {
		t.Fatalf("media = %v", media)
	}
	for _, m := range media {
		b, _ := os.ReadFile(m)
		if strings.HasSuffix(m, ".png") && !bytes.Equal(b, png1) {
			t.Errorf("%s differs from the package's image", m)
		}
	}
	// Warnings: the inline HTML of the cloze's extra.
	if w := strings.Join(res.Plan.Warnings, "\n"); !strings.Contains(w, "kept as inline HTML") || !strings.Contains(w, "1 media files of the package are used by no imported note") {
		t.Errorf("warnings = %v", res.Plan.Warnings)
	}
	if res.Plan.CardMods["what-is-iou"] != 1650000001 || res.Plan.NoteTypeMods["anki-basic"] != 1700000100 {
		t.Errorf("mods = %v %v", res.Plan.CardMods, res.Plan.NoteTypeMods)
	}
}

// validates checks that an imported project loads without an error or a
// warning, as `cardgen validate --strict` does.
func validates(t *testing.T, dir string) {
	t.Helper()
	deck, ds := cards.Load(filepath.Join(dir, "config.toml"))
	if err := ds.Err(true); err != nil || deck == nil {
		t.Errorf("the imported project does not validate: %v", err)
	}
}
