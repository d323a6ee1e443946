package csvdeck_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/exporters/csvdeck"
	"github.com/cardgen/cardgen/internal/decktest"
	"github.com/google/go-cmp/cmp"
)

// Cards of declared note types: the Anki CSV names each row's note type in
// a column and gives the fields in the note type's order with the card's own
// guid, the package's; the spreadsheet CSV shows the first field as the question and the
// other fields, labelled, as the answer.
func TestCSVOfDeclaredNoteTypes(t *testing.T) {
	cfg := decktest.CopyNoteTypesDeck(t)
	_, dist := buildDeck(t, cfg, "apkg", "csv", "csv-plain")
	f := readAnki(t, filepath.Join(dist, "nt-test.csv"))
	if !containsLine(f.headers, "#notetype column:8") || !containsLine(f.headers, "#columns:ID/Text/Word\tQuestion/Back Extra/Reading\tAnswer/Meaning\tExtra\tSource\tTags\tDeck\tNotetype\tGUID") {
		t.Errorf("headers:\n%s", strings.Join(f.headers, "\n"))
	}
	neko := f.records[0]
	want := []string{"<p>猫</p>", "<p>ねこ</p>", "<p>cat, as in <code>neko</code></p>", "", "", "animal topic::words", "Note types::词汇", "1342697561419", "f~3Kx#9!Ab"}
	if d := cmp.Diff(want, neko); d != "" {
		t.Errorf("neko row (-want +got):\n%s", d)
	}
	// The rows carry the package's GUIDs, so a CSV import updates the same notes.
	guids := packageGUIDs(t, filepath.Join(dist, "nt-test.apkg"))
	for _, r := range f.records {
		if guids[r[0]] != r[8] {
			t.Errorf("row with first field %q has GUID %s, the package's note %q", r[0], r[8], guids[r[0]])
		}
	}
	if roi := f.records[2]; roi[7] != "1342697561420" || roi[8] != "Qz7Lp0Xw1c" || !strings.HasPrefix(roi[0], "<p>{{c1::ROIAlign}}") {
		t.Errorf("roi-align row = %q", roi)
	}

	data, err := os.ReadFile(filepath.Join(dist, "nt-test.plain.csv"))
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte(csvdeck.BOM)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantPlain := [][]string{
		csvdeck.PlainHeader,
		{"neko", "words", "animal", "猫", "**Reading**\n\nねこ\n\n**Meaning**\n\ncat, as in `neko`", ""},
		{"inu", "words", "", "犬", "**Reading**\n\nいぬ", ""},
		{"roi-align", "vision", "", "{{c1::ROIAlign}} 用{{c2::双线性插值}}取样,$y = \\lfloor x \\rfloor$ 不再取整。", "**Back Extra**\n\n![sampling](media/dot.png)", ""},
		{"nms", "vision", "", "NMS 做什么?", "去掉重叠的框。", ""},
	}
	if d := cmp.Diff(wantPlain, records); d != "" {
		t.Errorf("spreadsheet CSV (-want +got):\n%s", d)
	}
}

func containsLine(lines []string, l string) bool {
	for _, x := range lines {
		if x == l {
			return true
		}
	}
	return false
}
