package csvdeck_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/builder"
	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/ankinote"
	"github.com/cardgen/cardgen/exporters/csvdeck"
	"github.com/cardgen/cardgen/exporters/render"
	"github.com/cardgen/cardgen/internal/decktest"
	"github.com/google/go-cmp/cmp"
)

// buildDeck runs the real pipeline and returns the loaded deck and the output folder.
func buildDeck(t *testing.T, cfg string, formats ...string) (*cards.Deck, string) {
	t.Helper()
	var stderr bytes.Buffer
	if _, err := builder.Run(builder.Options{ConfigPath: cfg, Formats: formats, Stderr: &stderr}); err != nil {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
	d, ds := cards.Load(cfg)
	if d == nil {
		t.Fatal(ds)
	}
	return d, filepath.Join(filepath.Dir(cfg), "dist")
}

// ankiFile is an Anki CSV split into its header lines, its raw data lines
// and the records encoding/csv reads from them.
type ankiFile struct {
	headers []string
	lines   []string
	records [][]string
}

func readAnki(t *testing.T, path string) ankiFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f ankiFile
	text := string(data)
	if !strings.HasSuffix(text, "\n") {
		t.Fatalf("%s does not end with a newline", path)
	}
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if len(f.lines) == 0 && strings.HasPrefix(l, "#") {
			f.headers = append(f.headers, l)
		} else {
			f.lines = append(f.lines, l)
		}
	}
	r := csv.NewReader(strings.NewReader(strings.Join(f.lines, "\n")))
	r.Comma = '\t'
	r.FieldsPerRecord = 9
	if f.records, err = r.ReadAll(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f
}

func TestAnkiCSV(t *testing.T) {
	d, dist := buildDeck(t, decktest.CopyDeck(t, "testdata/deck"), "csv")
	cfg := d.Config
	f := readAnki(t, filepath.Join(dist, "fixture.csv"))

	// The deck mixes basic, reversed and cloze cards, so each row names its note type.
	wantHeaders := []string{
		"#separator:tab",
		"#html:true",
		"#notetype column:8",
		"#deck column:7",
		"#tags column:6",
		"#guid column:9",
		"#if matches:update current",
		"#columns:ID\tQuestion/Text\tAnswer/Extra\tExtra/Source\tSource\tTags\tDeck\tNotetype\tGUID",
	}
	if diff := cmp.Diff(wantHeaders, f.headers); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	if len(f.records) != len(d.Cards) || len(f.lines) != len(d.Cards) {
		t.Fatalf("%d records on %d lines for %d cards: every note must be one physical line", len(f.records), len(f.lines), len(d.Cards))
	}

	html, err := exporters.Render(d, render.Default())
	if err != nil {
		t.Fatal(err)
	}
	media, err := ankinote.MediaNames(cfg.Deck.Namespace, d.Cards)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range d.Cards {
		rec, line := f.records[i], f.lines[i]
		want := ankinote.Values(c, html.Get(c.ID), media)
		for len(want) < 5 {
			want = append(want, "")
		}
		for j, v := range want {
			if strings.ContainsAny(rec[j], "\r\n") {
				t.Errorf("%s field %d has a raw line break: %q", c.ID, j+1, rec[j])
			}
			if got, want := sameText(rec[j]), sameText(v); got != want {
				t.Errorf("%s field %d:\n got %q\nwant %q", c.ID, j+1, rec[j], v)
			}
		}
		if rec[0] != c.ID {
			t.Errorf("row %d: first column %q, want the card id %q", i+1, rec[0], c.ID)
		}
		if want := strings.Join(ankinote.Tags(c), " "); rec[5] != want {
			t.Errorf("%s tags %q, want %q", c.ID, rec[5], want)
		}
		if want := ankinote.DeckName(cfg, c.Topic); rec[6] != want {
			t.Errorf("%s deck %q, want %q", c.ID, rec[6], want)
		}
		if want := strconv.FormatInt(ankinote.For(cfg, c.Type).ID, 10); rec[7] != want {
			t.Errorf("%s note type %q, want %q", c.ID, rec[7], want)
		}
		if want := ankinote.GUID(d.Config.Deck.Namespace, c); rec[8] != want {
			t.Errorf("%s guid %q, want %q", c.ID, rec[8], want)
		}
		// Anki skips an unquoted record that starts with '#', so every such field is quoted.
		for j, field := range rec {
			if strings.HasPrefix(field, "#") && !strings.Contains("\t"+line, "\t\""+strings.ReplaceAll(field, `"`, `""`)+"\"") {
				t.Errorf("%s field %d starts with '#' but is not quoted in %q", c.ID, j+1, line)
			}
		}
	}
	if !slices.ContainsFunc(f.records, func(r []string) bool { return strings.HasPrefix(r[4], "#") }) {
		t.Fatal("the fixture must have a '#'-leading field, or the quoting check proves nothing")
	}

	code := f.records[slices.IndexFunc(d.Cards, func(c *cards.Card) bool { return c.ID == "code-and-math" })]
	pre := code[2][strings.Index(code[2], "<pre"):strings.Index(code[2], "</pre>")]
	if !strings.Contains(pre, "<br>") || !strings.Contains(pre, "# a comment line that starts with a hash") {
		t.Errorf("code lines must be kept apart by <br> inside <pre>: %q", pre)
	}
	if !strings.Contains(code[1], `\(\sum_{i=1}^n i\)`) || !strings.Contains(code[2], `\[\frac{n(n+1)}{2}\]`) {
		t.Errorf("math must be written for MathJax as \\(…\\) and \\[…\\]: %q / %q", code[1], code[2])
	}
}

// sameText makes HTML comparable across the one-line rewrite: a line break
// outside <pre> became a space and one inside became <br>.
func sameText(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "<br>", "\n")), " ")
}

func TestAnkiCSVWithOneNoteType(t *testing.T) {
	d, dist := buildDeck(t, decktest.CopyDeck(t, "testdata/deck"), "csv")
	f := readAnki(t, filepath.Join(dist, "fixture-alpha.csv"))
	basic := ankinote.For(d.Config, cards.Basic).ID
	wantHeaders := []string{
		"#separator:tab",
		"#html:true",
		"#notetype:" + strconv.FormatInt(basic, 10),
		"#deck column:7",
		"#tags column:6",
		"#guid column:9",
		"#if matches:update current",
		"#columns:ID\tQuestion\tAnswer\tExtra\tSource\tTags\tDeck\tNotetype\tGUID",
	}
	if diff := cmp.Diff(wantHeaders, f.headers); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	want := d.Filter(cards.Filter{Topics: []string{"alpha"}})
	var ids []string
	for _, r := range f.records {
		ids = append(ids, r[0])
	}
	if diff := cmp.Diff(cardIDs(want.Cards), ids); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func cardIDs(cs []*cards.Card) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func TestPlainCSV(t *testing.T) {
	d, dist := buildDeck(t, decktest.CopyDeck(t, "testdata/deck"), "csv-plain")
	data, err := os.ReadFile(filepath.Join(dist, "fixture.plain.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no UTF-8 BOM: starts with %q", data[:min(len(data), 8)])
	}
	records, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"id", "topics", "tags", "question", "answer", "source"}, records[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	rows := records[1:]
	if len(rows) != len(d.Cards) {
		t.Fatalf("%d rows for %d cards", len(rows), len(d.Cards))
	}
	neutralized := map[byte]int{}
	for i, c := range d.Cards {
		want := []string{c.ID, strings.Join(c.Topics, " "), strings.Join(c.Tags, " "), c.Question, c.Answer, c.Source}
		for j, w := range want {
			w = strings.ReplaceAll(w, "\r\n", "\n")
			got := rows[i][j]
			if w != "" && strings.IndexByte("=+-@\t\r", w[0]) >= 0 {
				neutralized[w[0]]++
				w = "'" + w
			}
			if got != w {
				t.Errorf("%s column %s: got %q, want %q", c.ID, records[0][j], got, w)
			}
			if got != "" && strings.IndexByte("=+-@\t\r", got[0]) >= 0 {
				t.Errorf("%s column %s starts with %q: a spreadsheet may run it as a formula", c.ID, records[0][j], got[0])
			}
		}
	}
	// The fixture holds cells starting with each character OWASP lists.
	for _, ch := range []byte("=-@\t\r") {
		if neutralized[ch] == 0 {
			t.Errorf("the fixture has no cell starting with %q", ch)
		}
	}
	if !strings.Contains(string(data), "\r\n") {
		t.Error("records must end with CRLF")
	}
}

func TestNeutralize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=SUM(A1:A2)", "'=SUM(A1:A2)"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@cmd", "'@cmd"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"a=1", "a=1"},
		{"", ""},
		{"'quoted", "'quoted"},
		{"等式 =1", "等式 =1"},
	}
	for _, tt := range tests {
		if got := csvdeck.Neutralize(tt.in); got != tt.want {
			t.Errorf("Neutralize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
