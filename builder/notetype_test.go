package builder_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/builder"
	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/ankinote"
	"github.com/cardgen/cardgen/internal/decktest"
	"github.com/google/go-cmp/cmp"
)

// A declared note type may not take a built-in type's id: Anki matches note
// types by id, so one would overwrite the other in the learner's collection.
func TestDeclaredNoteTypeWithABuiltInID(t *testing.T) {
	cfg := decktest.CopyNoteTypesDeck(t)
	conf, ds := cards.LoadConfig(cfg)
	if conf == nil {
		t.Fatal(ds)
	}
	basic := ankinote.For(conf, cards.Basic)
	path := filepath.Join(filepath.Dir(cfg), "notetypes", "cloze-plus.toml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte("id = 1342697561420"), []byte("id = "+itoa(basic.ID)), 1)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	err = builder.Validate(cfg, false, &stderr)
	want := "notetypes/cloze-plus.toml:1: error: note type id " + itoa(basic.ID) + " is the id of the built-in note type 'nt-test (basic)' (basic); choose another id"
	if err == nil || !strings.Contains(filepath.ToSlash(stderr.String()), want) {
		t.Errorf("validate: %v\n%s\nwant a line with %q", err, stderr.String(), want)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// list names a declared note type's card by its question field and its own guid.
func TestListDeclaredNoteTypes(t *testing.T) {
	cfg := decktest.CopyNoteTypesDeck(t)
	var out, stderr bytes.Buffer
	if err := builder.List(builder.ListOptions{ConfigPath: cfg, JSON: true, Stdout: &out, Stderr: &stderr}); err != nil {
		t.Fatalf("list: %v\n%s", err, stderr.String())
	}
	var items []builder.ListItem
	if err := json.Unmarshal(out.Bytes(), &items); err != nil {
		t.Fatal(err)
	}
	got := map[string][3]string{}
	for _, it := range items {
		got[it.ID] = [3]string{it.GUID, it.Type, it.Question}
	}
	want := map[string][3]string{
		"neko":      {"f~3Kx#9!Ab", "vocab", "猫"},
		"inu":       {cards.GUID("nt-test", "inu"), "vocab", "犬"},
		"roi-align": {"Qz7Lp0Xw1c", "cloze-plus", "{{c1::ROIAlign}} 用{{c2::双线性插值}}取样,$y = \\lfloor x \\rfloor$ 不再取整。"},
		"nms":       {cards.GUID("nt-test", "nms"), "basic", "NMS 做什么?"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("list --json (-want +got):\n%s", d)
	}
}
