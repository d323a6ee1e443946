package ankiimport

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/builder"
)

func samplePackage(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "vision.apkg")
	sampleDeck().writePackage(t, p, fmtLatest)
	return p
}

func TestDryRunWritesNothing(t *testing.T) {
	apkg := samplePackage(t)
	root := filepath.Dir(apkg)
	var out bytes.Buffer
	_, err := Run(Options{File: apkg, Dir: filepath.Join(root, "new"), DryRun: true, Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 1 {
		t.Errorf("a dry run wrote files: %v", entries)
	}
	for _, want := range []string{"would import 5 notes", "detection-anchors", "Detection / Anchors", "anki-basic", "2\n", "warning: card"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestDefaultFolderAndNonEmptyFolder(t *testing.T) {
	apkg := samplePackage(t)
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	os.Chdir(filepath.Dir(apkg))
	res, err := Run(Options{File: apkg})
	if err != nil {
		t.Fatal(err)
	}
	if res.Dir != "Vision" {
		t.Errorf("default folder = %q, want the deck's name", res.Dir)
	}
	// Again: the folder is there and not empty.
	_, err = Run(Options{File: apkg})
	if err == nil || !strings.Contains(err.Error(), "Vision exists and is not empty") {
		t.Fatalf("err = %v", err)
	}
	// An empty folder is fine.
	os.Mkdir("empty", 0o755)
	if _, err := Run(Options{File: apkg, Dir: "empty"}); err != nil {
		t.Fatal(err)
	}
}

func TestDeckSelection(t *testing.T) {
	apkg := samplePackage(t)
	dir := filepath.Join(t.TempDir(), "p")
	res, err := Run(Options{File: apkg, Dir: dir, Deck: "Vision::Detection"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Plan.DeckName != "Detection" || len(res.Plan.Topics) != 2 || res.Plan.Topics[0].ID != "detection" || res.Plan.Topics[1].ID != "anchors" {
		t.Errorf("deck %q topics %+v", res.Plan.DeckName, res.Plan.Topics)
	}
	_, err = Run(Options{File: apkg, Dir: filepath.Join(t.TempDir(), "q"), Deck: "Nope"})
	if err == nil || !strings.Contains(err.Error(), `no notes in deck "Nope"`) || !strings.Contains(err.Error(), "Vision::Detection") {
		t.Errorf("err = %v", err)
	}
}

func TestMapFoldsIntoBuiltIn(t *testing.T) {
	apkg := samplePackage(t)
	dir := filepath.Join(t.TempDir(), "p")
	res, err := Run(Options{File: apkg, Dir: dir, Maps: []string{"Basic=question:Front,answer:Back", "Cloze=question:Text,answer:Back Extra"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, nt := range res.Plan.NoteTypes {
		if nt.Name == "Basic" || nt.Name == "Cloze" {
			t.Errorf("%s is still declared", nt.Name)
		}
	}
	validates(t, dir)
	data, _ := os.ReadFile(filepath.Join(dir, "cards", "detection.toml"))
	for _, want := range []string{"id = 'what-is-iou'\nguid = 'a1B2c3D4e5'", "question = 'What is **IoU**?'", "answer = '''\nIntersection over union"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("detection.toml lacks %q:\n%s", want, data)
		}
	}
	data, _ = os.ReadFile(filepath.Join(dir, "cards", "detection-anchors.toml"))
	if !strings.Contains(string(data), "type = 'cloze'") || !strings.Contains(string(data), "answer = '<u>extra</u> note'") {
		t.Errorf("cloze card:\n%s", data)
	}
}

// Every problem is reported at once, and nothing is written.
func TestProblemsTogether(t *testing.T) {
	apkg := samplePackage(t)
	dir := filepath.Join(t.TempDir(), "p")
	_, err := Run(Options{File: apkg, Dir: dir, Maps: []string{"Basic=question:Front,answer:Verso", "Nope=question:X", "broken", "Cloze=question:Back Extra"}})
	probs, ok := err.(Problems)
	if !ok {
		t.Fatalf("err = %v (%T), want Problems", err, err)
	}
	msg := probs.Error()
	for _, want := range []string{`has no field "Verso"; its fields are: Front, Back`, `the package has no note type "Nope"; its note types are: Basic, Cloze, 日语单词`, `--map "broken"`, `--map Cloze: its field "Back Extra" has no cloze deletion`} {
		if !strings.Contains(msg, want) {
			t.Errorf("problems lack %q:\n%s", want, msg)
		}
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("%s was written", dir)
	}
}

func TestMissingMedia(t *testing.T) {
	fx := sampleDeck()
	fx.media = nil
	apkg := filepath.Join(t.TempDir(), "nomedia.apkg")
	fx.writePackage(t, apkg, fmtLegacy1)
	_, err := Run(Options{File: apkg, Dir: filepath.Join(t.TempDir(), "p")})
	if err == nil || !strings.Contains(err.Error(), `media file "iou fig.png" is referenced but not in the package`) || !strings.Contains(err.Error(), `"neko.mp3"`) {
		t.Errorf("err = %v", err)
	}
}

func TestDuplicateSortFields(t *testing.T) {
	fx := sampleDeck()
	n := fx.notes[0]
	n.id, n.guid = 1600000000009, "dupGUID0001"
	fx.notes = append(fx.notes, n)
	apkg := filepath.Join(t.TempDir(), "dup.apkg")
	fx.writePackage(t, apkg, fmtLegacy1)
	res, err := Run(Options{File: apkg, Dir: filepath.Join(t.TempDir(), "p")})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range res.Plan.Topics[0].Cards {
		ids[c.ID] = true
	}
	if !ids["what-is-iou"] || !ids["what-is-iou-2"] {
		t.Errorf("ids = %v", ids)
	}
	if !strings.Contains(strings.Join(res.Plan.Warnings, "\n"), `id "what-is-iou" is taken`) {
		t.Errorf("warnings = %v", res.Plan.Warnings)
	}
}

func TestNamespaceFlag(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	res, err := Run(Options{File: samplePackage(t), Dir: dir, Namespace: "my-vision"})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "config.toml"))
	if res.Plan.Namespace != "my-vision" || !strings.Contains(string(data), "namespace = 'my-vision'") {
		t.Errorf("namespace %q, config:\n%s", res.Plan.Namespace, data)
	}
}

// What cardgen's note types cannot hold is named, in every format.
func TestLostTemplateFeatures(t *testing.T) {
	for _, f := range []pkgFormat{fmtLegacy1, fmtLatest} {
		fx := sampleDeck()
		fx.noteTypes[2].browser = true
		apkg := filepath.Join(t.TempDir(), "b.apkg")
		fx.writePackage(t, apkg, f)
		res, err := Run(Options{File: apkg, Dir: filepath.Join(t.TempDir(), "p")})
		if err != nil {
			t.Fatal(err)
		}
		if w := strings.Join(res.Plan.Warnings, "\n"); !strings.Contains(w, `note type "日语单词": template "Recognition" has a browser appearance`) {
			t.Errorf("format %d: warnings = %s", f, w)
		}
	}
}

// Images a field carries as data: URIs become files; images on the web
// become links (packages carry local files only); both with a warning where
// something changed, and the project builds.
func TestInlineAndRemoteImages(t *testing.T) {
	fx := sampleDeck()
	fx.notes[1].fields[1] = `<img src="data:image/png;base64,` + base64.StdEncoding.EncodeToString(png1) + `"> and <img alt="chart" src="https://example.com/a.png">`
	apkg := filepath.Join(t.TempDir(), "x.apkg")
	fx.writePackage(t, apkg, fmtLatest)
	dir := filepath.Join(t.TempDir(), "p")
	res, err := Run(Options{File: apkg, Dir: dir, SeedLock: builder.SeedLock})
	if err != nil {
		t.Fatal(err)
	}
	validates(t, dir)
	data, _ := os.ReadFile(filepath.Join(dir, "cards", "detection.toml"))
	if !strings.Contains(string(data), "Back = '![](media/inline-") || !strings.Contains(string(data), "[chart](https://example.com/a.png)") {
		t.Errorf("detection.toml:\n%s", data)
	}
	inl, _ := filepath.Glob(filepath.Join(dir, "cards", "media", "inline-*.png"))
	if len(inl) != 1 {
		t.Fatalf("inline images: %v", inl)
	}
	if b, _ := os.ReadFile(inl[0]); !bytes.Equal(b, png1) {
		t.Errorf("%s is not the image of the data: URI", inl[0])
	}
	if w := strings.Join(res.Plan.Warnings, "\n"); !strings.Contains(w, `card "code-for-nms": images on the web became links`) {
		t.Errorf("warnings = %s", w)
	}
}
