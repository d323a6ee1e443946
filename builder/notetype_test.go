package builder_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/builder"
	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/ankinote"
	"github.com/cardgen/cardgen/internal/decktest"
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
