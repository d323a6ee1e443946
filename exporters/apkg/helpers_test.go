package apkg_test

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cardgen/cardgen/builder"

	_ "github.com/mattn/go-sqlite3"
)

// A small deck on disk: every card type, math, code, CJK, an image, a
// card with two topics, and two targets.
const testConfig = `
[deck]
id = "cv-test"
namespace = "cv-test"
name = "CV 面试题"
description = "测试题库"

[output]
dir = "dist"
formats = ["apkg"]

[[topics]]
id = "detection"
name = "目标检测"

[[topics]]
id = "segmentation"
name = "图像分割"

[[targets]]
name = "all"

[[targets]]
name = "detection"
topics = ["detection"]
`

const testDetection = `
[[cards]]
id = "roi-align"
source = "Q1"
tags = ["roi", "two-stage"]
question = "RoI Align 相比 RoI Pooling 改进了什么?"
answer = '''
RoI Align 取消了量化,用双线性插值采样 $f(x, y)$:

$$
y = \sum_i w_i x_i
$$

![RoI Align](media/roi.png)

` + "```python\ndef align(x):\n    return x & 1 < 2\n```" + `
'''
extra = "参见 Mask R-CNN。"

[[cards]]
id = "iou-definition"
type = "reversed"
tags = ["metric"]
question = "交并比 (IoU) 的定义"
answer = "两个框交集面积除以并集面积: $\\frac{|A \\cap B|}{|A \\cup B|}$"

[[cards]]
id = "nms"
question = "NMS 的步骤是什么?"
answer = "按分数排序,保留最高者,删除与其 IoU 大于阈值的框,重复。"
`

const testSegmentation = `
[[cards]]
id = "miou-cloze"
type = "cloze"
question = "mIoU 是每个类别 {{c1::IoU}} 的 {{c2::平均值}}。"
answer = "语义分割的标准指标。"

[[cards]]
id = "mask-rcnn-head"
topics = ["detection"]
question = "Mask R-CNN 的 mask 分支输出什么?"
answer = "每个 RoI 每个类别一个 $28 \\times 28$ 的二值 mask。"
`

// writeDeck lays out the test deck in a new folder and returns config.toml's path.
func writeDeck(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"config.toml":             testConfig,
		"cards/detection.toml":    testDetection,
		"cards/segmentation.toml": testSegmentation,
		"cards/media/roi.png":     "\x89PNG\r\n\x1a\nnot really an image, but bytes to package",
	}
	for name, content := range files {
		writeFile(t, filepath.Join(dir, name), content)
	}
	return filepath.Join(dir, "config.toml")
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// editFile replaces old with new in a file, failing if old is not there once.
func editFile(t testing.TB, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(data), old) != 1 {
		t.Fatalf("%s: %q not found exactly once", path, old)
	}
	writeFile(t, path, strings.Replace(string(data), old, new, 1))
}

// runBuild builds the deck as `cardgen build` would, at a fixed SOURCE_DATE_EPOCH (0: unset).
func runBuild(t testing.TB, cfg string, epoch int64, mutate ...func(*builder.Options)) (*builder.Result, string) {
	t.Helper()
	var stderr bytes.Buffer
	opts := builder.Options{ConfigPath: cfg, Stderr: &stderr}
	if epoch != 0 {
		opts.Epoch = time.Unix(epoch, 0).UTC()
	}
	for _, m := range mutate {
		m(&opts)
	}
	res, err := builder.Run(opts)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
	return res, stderr.String()
}

func distPath(cfg, name string) string { return filepath.Join(filepath.Dir(cfg), "dist", name) }

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// pkg is an unpacked .apkg: its zip entries and its collection opened with SQLite.
type pkg struct {
	names   []string
	entries map[string][]byte
	db      *sql.DB
}

func openPackage(t testing.TB, path string) *pkg {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	p := &pkg{entries: map[string][]byte{}}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		p.names = append(p.names, f.Name)
		p.entries[f.Name] = data
	}
	col, ok := p.entries["collection.anki2"]
	if !ok {
		t.Fatalf("%s has no collection.anki2; entries: %v", path, p.names)
	}
	dbPath := filepath.Join(t.TempDir(), "collection.anki2")
	if err := os.WriteFile(dbPath, col, 0o644); err != nil {
		t.Fatal(err)
	}
	p.db, err = sql.Open("sqlite3", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.db.Close() })
	return p
}

func (p *pkg) query(t testing.TB, q string, args ...any) [][]any {
	t.Helper()
	rows, err := p.db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// colJSON decodes one JSON column of the col row into a map of objects.
func (p *pkg) colJSON(t testing.TB, column string) map[string]map[string]any {
	t.Helper()
	var s string
	if err := p.db.QueryRow("SELECT " + column + " FROM col").Scan(&s); err != nil {
		t.Fatal(err)
	}
	var out map[string]map[string]any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatalf("col.%s: %v", column, err)
	}
	return out
}

type noteRow struct {
	ID   int64
	GUID string
	Mid  int64
	Mod  int64
	Usn  int64
	Tags string
	Flds string
	Sfld string
	Csum int64
}

func (p *pkg) notes(t testing.TB) map[string]noteRow {
	t.Helper()
	rows, err := p.db.Query("SELECT id, guid, mid, mod, usn, tags, flds, CAST(sfld AS TEXT), csum FROM notes ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]noteRow{}
	for rows.Next() {
		var n noteRow
		if err := rows.Scan(&n.ID, &n.GUID, &n.Mid, &n.Mod, &n.Usn, &n.Tags, &n.Flds, &n.Sfld, &n.Csum); err != nil {
			t.Fatal(err)
		}
		out[n.GUID] = n
	}
	return out
}

type cardRow struct {
	ID, Nid, Did, Ord, Mod, Type, Queue, Due int64
	Sched                                    int64 // sum of every other scheduling column
}

func (p *pkg) cards(t testing.TB) []cardRow {
	t.Helper()
	rows, err := p.db.Query(`SELECT id, nid, did, ord, mod, type, queue, due,
		ivl + factor + reps + lapses + left + odue + odid + flags + abs(usn + 1) FROM cards ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []cardRow
	for rows.Next() {
		var c cardRow
		if err := rows.Scan(&c.ID, &c.Nid, &c.Did, &c.Ord, &c.Mod, &c.Type, &c.Queue, &c.Due, &c.Sched); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}
