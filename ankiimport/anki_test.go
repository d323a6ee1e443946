package ankiimport

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/internal/ankitest"
)

// wordType is a learner's own note type: four fields, two templates, CSS.
var wordType = ankitest.Notetype{
	Name:   "Word",
	Fields: []string{"Word", "Reading", "Meaning", "Audio"},
	Templates: []ankitest.Template{
		{Name: "Recognition", Qfmt: `<div class="word">{{Word}}</div>`, Afmt: "{{FrontSide}}<hr id=answer>{{Reading}}<br>{{Meaning}}{{Audio}}"},
		{Name: "Recall", Qfmt: "{{Meaning}}", Afmt: "{{FrontSide}}<hr id=answer>{{Word}}"},
	},
	CSS: ".card { font-family: serif; }\n.word { font-size: 48px; }",
}

// ankiDeck fills a real Anki collection with what learners' decks hold:
// Basic, Cloze and their own note type, subdecks, tags, an image, sound,
// math, code and cloze deletions.
func ankiDeck(t *testing.T) *ankitest.Collection {
	t.Helper()
	col := ankitest.Open(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := col.AddNotetype(wordType)
	must(err)
	for _, d := range []string{"视觉::检测", "视觉::词汇", "Vision Basics"} {
		_, err := col.AddDeck(d)
		must(err)
	}
	img, err := col.AddMedia("iou diagram.png", png1)
	must(err)
	snd, err := col.AddMedia("neko.mp3", []byte("ID3 a tiny not-quite mp3"))
	must(err)
	_, err = col.AddNotes(
		ankitest.NewNote{Notetype: "Basic", Deck: "视觉::检测", Tags: []string{"iou", "metric"},
			Fields: []string{"What is <b>IoU</b>?", `Overlap: \(\frac{|A\cap B|}{|A\cup B|}\)<br><img src="` + img + `">`}},
		ankitest.NewNote{Notetype: "Basic", Deck: "视觉::检测", Tags: []string{"code"},
			Fields: []string{"NMS in one line?", "<pre><code>keep = nms(boxes, scores, 0.5)</code></pre>Costs $5"}},
		ankitest.NewNote{Notetype: "Cloze", Deck: "视觉::检测",
			Fields: []string{"Softmax: {{c1::\\(p_i = e^{z_i}/\\sum_j e^{z_j}\\)}} sums to {{c2::one::a number}}.", "see \\[\\sum_i p_i = 1\\]"}},
		ankitest.NewNote{Notetype: "Word", Deck: "视觉::词汇", Tags: []string{"jlpt::n5"},
			Fields: []string{"猫", "ねこ", "cat", "[sound:" + snd + "]"}},
		ankitest.NewNote{Notetype: "Word", Deck: "视觉::词汇", Tags: []string{"jlpt::n5"},
			Fields: []string{"犬", "いぬ", "dog", ""}},
		ankitest.NewNote{Notetype: "Basic", Deck: "Vision Basics",
			Fields: []string{"Top-level deck note", "yes"}},
	)
	must(err)
	return col
}

// Every format Anki exports imports to the same project, with every note.
func TestImportAnkiExports(t *testing.T) {
	col := ankiDeck(t)
	dir := t.TempDir()
	notes, err := col.Notes()
	if err != nil {
		t.Fatal(err)
	}
	exports := map[string]string{}
	for _, legacy := range []bool{false, true} {
		name := "current.apkg"
		if legacy {
			name = "legacy.apkg"
		}
		path := filepath.Join(dir, name)
		n, err := col.ExportPackage(path, ankitest.ExportOptions{Legacy: legacy, Deck: "视觉"})
		if err != nil {
			t.Fatal(err)
		}
		if n != 5 {
			t.Fatalf("%s holds %d notes, want 5", name, n)
		}
		exports[name] = path
	}
	colpkg := filepath.Join(dir, "whole.colpkg")
	if err := col.ExportCollection(colpkg, false); err != nil {
		t.Fatal(err)
	}
	exports["whole.colpkg"] = colpkg
	legacyColpkg := filepath.Join(dir, "whole-legacy.colpkg")
	if err := col.ExportCollection(legacyColpkg, true); err != nil {
		t.Fatal(err)
	}
	exports["whole-legacy.colpkg"] = legacyColpkg

	var reference map[string]string
	for _, name := range sortedKeys(exports) {
		t.Run(name, func(t *testing.T) {
			opts := Options{File: exports[name], Dir: filepath.Join(dir, "out-"+name)}
			if strings.HasSuffix(name, ".colpkg") {
				opts.Deck = "视觉"
			}
			res, err := Run(opts)
			if err != nil {
				t.Fatal(err)
			}
			guids := map[string]bool{}
			for _, tp := range res.Plan.Topics {
				for _, c := range tp.Cards {
					guids[c.GUID] = true
				}
			}
			for _, n := range notes {
				if strings.Contains(strings.Join(n.Fields, " "), "Top-level") {
					continue
				}
				if !guids[n.GUID] {
					t.Errorf("note %s (%q) was not imported with its GUID", n.GUID, n.Fields[0])
				}
			}
			if len(guids) != 5 {
				t.Errorf("%d notes imported, want 5", len(guids))
			}
			validates(t, opts.Dir)
			files := readTree(t, opts.Dir)
			if reference == nil {
				reference = files
				checkAnkiProject(t, opts.Dir, files)
				return
			}
			if a, b := strings.Join(sortedKeys(files), " "), strings.Join(sortedKeys(reference), " "); a != b {
				t.Errorf("files %s\nwant %s", a, b)
			}
			for k, v := range reference {
				if files[k] != v {
					t.Errorf("%s differs between formats:\n%s\n---\n%s", k, files[k], v)
				}
			}
		})
	}
}

func checkAnkiProject(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	cfg := files["config.toml"]
	for _, want := range []string{"name = '视觉'", "notetypes = 'notetypes'", "name = '检测'", "name = '词汇'"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config.toml lacks %q:\n%s", want, cfg)
		}
	}
	var nts []string
	for name := range files {
		if strings.HasPrefix(name, "notetypes"+string(filepath.Separator)) {
			nts = append(nts, filepath.Base(name))
		}
	}
	sort.Strings(nts)
	if strings.Join(nts, " ") != "anki-basic.toml anki-cloze.toml word.toml" {
		t.Errorf("note types: %v", nts)
	}
	word := files[filepath.Join("notetypes", "word.toml")]
	for _, want := range []string{"name = 'Word'", "kind = 'standard'", "sort_field = 'Word'", "front = '{{Meaning}}'", ".word { font-size: 48px; }", "name = 'Audio'"} {
		if !strings.Contains(word, want) {
			t.Errorf("word.toml lacks %q:\n%s", want, word)
		}
	}
	all := ""
	for name, data := range files {
		if strings.HasPrefix(name, "cards"+string(filepath.Separator)) && strings.HasSuffix(name, ".toml") {
			all += data
		}
	}
	for _, want := range []string{
		"Front = 'What is **IoU**?'",
		`Overlap: $\frac{|A\cap B|}{|A\cup B|}$`,
		"![](media/iou-diagram-",
		"```\nkeep = nms(boxes, scores, 0.5)\n```",
		`Costs \$5`,
		`Softmax: {{c1::$p_i = e^{z_i}/\sum_j e^{z_j}$}} sums to {{c2::one::a number}}.`,
		`$$\sum_i p_i = 1$$`,
		"Audio = '[sound:neko.mp3]'",
		"tags = ['jlpt::n5']",
		"tags = ['iou', 'metric']",
		"id = 'softmax-sums-to-one'",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the cards lack %q:\n%s", want, all)
		}
	}
	media, _ := os.ReadDir(filepath.Join(dir, "cards", "media"))
	if len(media) != 2 {
		t.Errorf("media: %v", media)
	}
	// The current format compresses media with zstd: the bytes come back whole.
	imgs, _ := filepath.Glob(filepath.Join(dir, "cards", "media", "iou-diagram-*.png"))
	if len(imgs) != 1 {
		t.Fatalf("image: %v", imgs)
	}
	if b, _ := os.ReadFile(imgs[0]); !bytes.Equal(b, png1) {
		t.Errorf("%s differs from the image added to Anki", imgs[0])
	}
}
