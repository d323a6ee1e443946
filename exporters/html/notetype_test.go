package html_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/builder"
	"github.com/cardgen/cardgen/internal/decktest"
)

// The printable page shows a declared note type's card as its first field
// (the cloze field, deletions hidden, for a cloze type) and its other
// fields, labelled, as the answer.
func TestDeclaredNoteTypesPrint(t *testing.T) {
	cfg := decktest.CopyNoteTypesDeck(t)
	var stderr bytes.Buffer
	if _, err := builder.Run(builder.Options{ConfigPath: cfg, Formats: []string{"html-cards"}, Stderr: &stderr}); err != nil {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(filepath.Join(filepath.Dir(cfg), "dist", "nt-test.cards.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(data)
	for _, frag := range []string{
		`<div class="question"><p>猫</p>`,
		"<p><strong>Reading</strong></p>\n<p>ねこ</p>\n<p><strong>Meaning</strong></p>",
		`<strong>Back Extra</strong>`,
	} {
		if !strings.Contains(page, frag) {
			t.Errorf("page lacks %q", frag)
		}
	}
	if strings.Contains(page, "{{c1::") {
		t.Error("a cloze deletion is shown as written")
	}
}
