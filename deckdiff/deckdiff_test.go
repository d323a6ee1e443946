package deckdiff

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cardgen/cardgen/builder"
	"github.com/cardgen/cardgen/internal/decktest"
	"github.com/google/go-cmp/cmp"
)

const config = `[deck]
id = "d"
namespace = "d"
name = "D"

[output]
formats = ["apkg"]

[[topics]]
id = "detection"
name = "检测"

[[topics]]
id = "segmentation"
name = "分割"

[[topics]]
id = "training"
name = "训练"
`

// release1 is the first build of the deck.
var release1 = map[string]string{
	"config.toml": config,
	"cards/detection.toml": `
[[cards]]
id = "iou"
question = "What is IoU?"
answer = "Intersection over union."

[[cards]]
id = "nms"
question = "What does NMS do?"
answer = "It drops overlapping boxes."

[[cards]]
id = "anchors"
question = "What is an anchor?"
answer = "A prior box."

[[cards]]
id = "focal-loss"
question = "What does focal loss fix?"
answer = "Class imbalance."
`,
	"cards/segmentation.toml": `
[[cards]]
id = "dice"
question = "What is the Dice loss?"
answer = "1 - 2|A∩B|/(|A|+|B|)"
`,
}

// release2 edits an answer and a question, adds a card, removes one, moves
// one to another topic file and gives one an additional topic.
var release2 = map[string]string{
	"config.toml": config,
	"cards/detection.toml": `
[[cards]]
id = "iou"
question = "What is IoU?"
answer = "Intersection over union: |A∩B| / |A∪B|."

[[cards]]
id = "nms"
question = "What does non-maximum suppression do?"
answer = "It drops overlapping boxes."

[[cards]]
id = "focal-loss"
topics = ["training"]
question = "What does focal loss fix?"
answer = "Class imbalance."

[[cards]]
id = "dice"
question = "What is the Dice loss?"
answer = "1 - 2|A∩B|/(|A|+|B|)"
`,
	"cards/segmentation.toml": `
[[cards]]
id = "mask-rcnn"
question = "What does Mask R-CNN add to Faster R-CNN?"
answer = "A mask branch."
`,
}

// release is the files one build left: its full package and its lock.
type release struct{ apkg, lock string }

// buildRelease writes files into dir, builds them at epoch, and keeps a
// copy of the package and the lock as that release shipped them.
func buildRelease(t *testing.T, dir string, files map[string]string, epoch int64, keep string) release {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stderr bytes.Buffer
	if _, err := builder.Run(builder.Options{ConfigPath: filepath.Join(dir, "config.toml"), Epoch: time.Unix(epoch, 0), Stderr: &stderr}); err != nil {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
	r := release{apkg: filepath.Join(keep, "d.apkg"), lock: filepath.Join(keep, "cardgen.lock")}
	if err := os.MkdirAll(keep, 0o755); err != nil {
		t.Fatal(err)
	}
	for src, dst := range map[string]string{filepath.Join(dir, "dist", "d.apkg"): r.apkg, filepath.Join(dir, "cardgen.lock"): r.lock} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func diff(t *testing.T, oldPath, newPath string) string {
	t.Helper()
	var out bytes.Buffer
	if err := Run(oldPath, newPath, &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestDiffOfTwoRealBuilds(t *testing.T) {
	dir, keep := t.TempDir(), t.TempDir()
	// The deck folder is rewritten in place, as a repository is between two tags.
	v1 := buildRelease(t, dir, release1, 1700000000, filepath.Join(keep, "v1"))
	v2 := buildRelease(t, dir, release2, 1700086400, filepath.Join(keep, "v2"))

	// From the packages: in set order.
	fromAPKG := diff(t, v1.apkg, v2.apkg)
	wantSections := []string{
		"### Added\n\n- `mask-rcnn`: What does Mask R-CNN add to Faster R-CNN?\n",
		"### Changed\n\n- `iou`: What is IoU?\n- `nms`: What does non-maximum suppression do? (was: What does NMS do?)\n- `focal-loss`: What does focal loss fix?\n- `dice`: What is the Dice loss?\n",
		"### Retired\n\n- `anchors`: What is an anchor?\n",
	}
	for _, s := range wantSections {
		if !strings.Contains(fromAPKG, s) {
			t.Errorf("apkg diff lacks\n%s\ngot:\n%s", s, fromAPKG)
		}
	}
	if !strings.HasPrefix(fromAPKG, "1 added, 4 changed, 1 retired, 2 moved between topics.\n") {
		t.Errorf("apkg diff summary:\n%s", fromAPKG)
	}
	for _, s := range []string{
		"- `focal-loss`: What does focal loss fix? (detection → detection, training)\n",
		"- `dice`: What is the Dice loss? (segmentation → detection)\n",
	} {
		if !strings.Contains(fromAPKG, s) {
			t.Errorf("apkg diff lacks the move %q:\n%s", s, fromAPKG)
		}
	}

	// From the locks: the same changes, in id order.
	fromLock := diff(t, v1.lock, v2.lock)
	wantLock := "1 added, 4 changed, 1 retired, 2 moved between topics.\n" +
		"\n### Added\n\n- `mask-rcnn`: What does Mask R-CNN add to Faster R-CNN?\n" +
		"\n### Changed\n\n- `dice`: What is the Dice loss?\n- `focal-loss`: What does focal loss fix?\n- `iou`: What is IoU?\n" +
		"- `nms`: What does non-maximum suppression do? (was: What does NMS do?)\n" +
		"\n### Retired\n\n- `anchors`: What is an anchor?\n" +
		"\n### Moved between topics\n\n- `dice`: What is the Dice loss? (segmentation → detection)\n" +
		"- `focal-loss`: What does focal loss fix? (detection → detection, training)\n"
	if d := cmp.Diff(wantLock, fromLock); d != "" {
		t.Errorf("lock diff (-want +got):\n%s", d)
	}

	// A package against a lock: the hashes agree, so only real changes show.
	if got := diff(t, v1.apkg, v2.lock); !strings.HasPrefix(got, "1 added, 4 changed, 1 retired, 2 moved between topics.\n") {
		t.Errorf("apkg against lock:\n%s", got)
	}
	for _, same := range [][2]string{{v2.apkg, v2.apkg}, {v2.lock, v2.lock}, {v2.apkg, v2.lock}, {v2.lock, v2.apkg}} {
		if got := diff(t, same[0], same[1]); got != "No changes.\n" {
			t.Errorf("diff %s %s = %q, want no changes", filepath.Base(same[0]), filepath.Base(same[1]), got)
		}
	}

	// The retired card comes back in a third release.
	files := map[string]string{"config.toml": config, "cards/detection.toml": release2["cards/detection.toml"] + release1["cards/detection.toml"][strings.Index(release1["cards/detection.toml"], "[[cards]]\nid = \"anchors\""):strings.Index(release1["cards/detection.toml"], "[[cards]]\nid = \"focal-loss\"")]}
	v3 := buildRelease(t, dir, files, 1700172800, filepath.Join(keep, "v3"))
	for _, pair := range [][2]string{{v2.apkg, v3.apkg}, {v2.lock, v3.lock}} {
		if got := diff(t, pair[0], pair[1]); !strings.Contains(got, "### Added\n\n- `anchors`: What is an anchor? (restored)\n") {
			t.Errorf("diff %s %s does not restore anchors:\n%s", pair[0], pair[1], got)
		}
	}
}

func TestPackageHashesMatchTheLock(t *testing.T) {
	dir := t.TempDir()
	r := buildRelease(t, dir, release1, 1700000000, filepath.Join(dir, "keep"))
	a, err := Load(r.apkg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := Load(r.lock)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Cards) != 5 || len(a.Cards) != len(l.Cards) {
		t.Fatalf("package has %d cards, lock %d", len(a.Cards), len(l.Cards))
	}
	for id, c := range l.Cards {
		p := a.Cards[id]
		if p.Hash != c.Hash || p.Question != c.Question {
			t.Errorf("%s: package %q %q, lock %q %q", id, p.Hash, p.Question, c.Hash, c.Question)
		}
		if p.Pos == 0 {
			t.Errorf("%s: no position in the package", id)
		}
	}
}

func TestLoadRejectsOtherFiles(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"notes.txt":  "hello",
		"bad.lock":   "{not json",
		"broken.zip": "PK\x03\x04 truncated",
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("Load(%s) = %v, want an error naming the file", name, err)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing.apkg")); err == nil {
		t.Error("Load of a missing file succeeded")
	}
}

func TestEscape(t *testing.T) {
	got := escape("Why  is $x_1 * y$ <b>bold</b> | [link](u) & `code`?")
	want := "Why is \\$x\\_1 \\* y\\$ \\<b\\>bold\\</b\\> \\| \\[link\\](u) \\& \\`code\\`?"
	if got != want {
		t.Errorf("escape = %q, want %q", got, want)
	}
}

// Notes of declared note types have no ID field: a package names them by GUID.
func TestDiffOfDeclaredNoteTypes(t *testing.T) {
	cfg := decktest.CopyNoteTypesDeck(t)
	dir := filepath.Dir(cfg)
	build := func(epoch int64) string {
		var stderr bytes.Buffer
		if _, err := builder.Run(builder.Options{ConfigPath: cfg, Formats: []string{"apkg"}, Epoch: time.Unix(epoch, 0), Stderr: &stderr}); err != nil {
			t.Fatalf("build: %v\n%s", err, stderr.String())
		}
		keep := filepath.Join(t.TempDir(), "nt-test.apkg")
		data, err := os.ReadFile(filepath.Join(dir, "dist", "nt-test.apkg"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(keep, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return keep
	}
	old := build(1780000000)
	words := filepath.Join(dir, "cards", "words.toml")
	data, err := os.ReadFile(words)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(words, bytes.Replace(data, []byte("cat, as in"), []byte("a cat, as in"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	got := diff(t, old, build(1780100000))
	if !strings.Contains(got, "`f~3Kx#9!Ab`: 猫") || strings.Contains(got, "犬") {
		t.Errorf("diff does not name exactly the edited note by its GUID:\n%s", got)
	}
}
