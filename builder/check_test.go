package builder

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/markdown"
)

const readmeTop = "# Deck\r\n\r\nKeep this text.\r\n\r\n## Questions\r\n\r\n"
const readmeBottom = "\r\nAnd this text.\r\n"

func TestBuildFillsReadmeAndCheckGuardsIt(t *testing.T) {
	cfg := copyRepoDeck(t)
	readme := filepath.Join(filepath.Dir(cfg), "README.md")
	// CRLF on purpose: the generated part follows the file's own line endings.
	old := readmeTop + QuestionsBegin + "\r\nstale list\r\n" + QuestionsEnd + readmeBottom
	if err := os.WriteFile(readme, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}

	err := Check(Options{ConfigPath: cfg})
	if err == nil || !strings.Contains(err.Error(), readme) {
		t.Fatalf("Check on a stale README: %v; want an error naming %s", err, readme)
	}
	if data, _ := os.ReadFile(readme); string(data) != old {
		t.Fatal("Check wrote to the README")
	}

	var stderr bytes.Buffer
	if _, err := Run(Options{ConfigPath: cfg, Formats: []string{"md"}, OutDir: t.TempDir(), WriteRepo: true, Stderr: &stderr}); err != nil {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	got := string(data)
	if !strings.HasPrefix(got, readmeTop+QuestionsBegin+"\r\n") || !strings.HasSuffix(got, "\r\n"+QuestionsEnd+readmeBottom) {
		t.Errorf("text outside the markers changed:\n%s", got)
	}
	if strings.Contains(strings.ReplaceAll(got, "\r\n", ""), "\n") {
		t.Error("the generated list does not use the README's CRLF line endings")
	}
	deck, ds := cards.Load(cfg)
	if deck == nil {
		t.Fatal(ds)
	}
	var list bytes.Buffer
	if err := markdown.WriteQuestionList(&list, deck, 3); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, strings.ReplaceAll(list.String(), "\n", "\r\n")) {
		t.Errorf("the README does not hold the question list:\n%s", got)
	}
	if fi, err := os.Stat(readme); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("README mode changed: %v %v", fi.Mode(), err)
	}
	if err := Check(Options{ConfigPath: cfg}); err != nil {
		t.Errorf("Check right after a build: %v", err)
	}

	// An up-to-date README is not rewritten.
	stderr.Reset()
	if _, err := Run(Options{ConfigPath: cfg, Formats: []string{"md"}, OutDir: t.TempDir(), WriteRepo: true, Stderr: &stderr}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stderr.String(), "README") {
		t.Errorf("second build touched the README:\n%s", stderr.String())
	}

	// Editing a question makes the README stale again.
	topic := deck.Cards[0].File
	src, err := os.ReadFile(topic)
	if err != nil {
		t.Fatal(err)
	}
	q := strings.SplitN(deck.Cards[0].Question, "\n", 2)[0]
	edited := strings.Replace(string(src), q, q+" (edited)", 1)
	if err := os.WriteFile(topic, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Check(Options{ConfigPath: cfg}); err == nil {
		t.Error("Check passed after a question changed")
	}
}

func TestCheckWithoutGeneratedFiles(t *testing.T) {
	cfg := copyRepoDeck(t)
	if err := Check(Options{ConfigPath: cfg}); err != nil {
		t.Errorf("no README: %v", err)
	}
	readme := filepath.Join(filepath.Dir(cfg), "README.md")
	if err := os.WriteFile(readme, []byte("# Deck without markers\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Check(Options{ConfigPath: cfg}); err != nil {
		t.Errorf("README without markers: %v", err)
	}
	if err := Check(Options{ConfigPath: cfg, Formats: []string{"md"}}); err == nil {
		t.Error("--check with --format must be refused")
	}
}

// With --locked, --check also fails on an out-of-date lock, and reports
// every stale file at once.
func TestCheckLocked(t *testing.T) {
	cfg := copyRepoDeck(t)
	dir := filepath.Dir(cfg)
	readme := filepath.Join(dir, "README.md")
	if err := os.WriteFile(readme, []byte(QuestionsBegin+"\n"+QuestionsEnd+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Check(Options{ConfigPath: cfg, Locked: true})
	if err == nil || !strings.Contains(err.Error(), "cardgen.lock") || !strings.Contains(err.Error(), readme) {
		t.Fatalf("Check --locked before any build: %v; want errors naming the lock and the README", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "cardgen.lock")); err == nil {
		t.Fatal("Check wrote the lock")
	}
	if err := Check(Options{ConfigPath: cfg}); err == nil || strings.Contains(err.Error(), "cardgen.lock") {
		t.Errorf("Check without --locked: %v; want only the README reported", err)
	}
	if _, err := Run(Options{ConfigPath: cfg, Formats: []string{"csv"}, OutDir: t.TempDir(), WriteRepo: true}); err != nil {
		t.Fatal(err)
	}
	if err := Check(Options{ConfigPath: cfg, Locked: true}); err != nil {
		t.Errorf("Check --locked after a build: %v", err)
	}
}

func TestReplaceRegion(t *testing.T) {
	const b, e = "<!-- b -->", "<!-- e -->"
	tests := []struct {
		name, in, want, err string
	}{
		{"replaces between the markers", "x\n" + b + "\nold\n" + e + "\ny\n", "x\n" + b + "\nnew\n\n" + e + "\ny\n", ""},
		{"empty region", b + "\n" + e + "\n", b + "\nnew\n\n" + e + "\n", ""},
		{"indented markers", "  " + b + "\n  " + e, "  " + b + "\nnew\n\n  " + e, ""},
		{"begin at the end of the file", "x\n" + b, "", "2: " + b + " without " + e + " after it"},
		{"end without begin", "x\n" + e + "\n", "", "2: " + e + " without " + b + " before it"},
		{"end before begin", e + "\n" + b + "\n", "", "1: " + e + " comes before " + b + " on line 2"},
		{"two begins", b + "\n" + b + "\n" + e + "\n", "", "2: a second " + b + " (the first is on line 1)"},
		{"marker inside a line is not a marker", "see `" + b + "`\n", "see `" + b + "`\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := replaceRegion([]byte(tt.in), b, e, "new\n")
			switch {
			case tt.err != "":
				if err == nil || err.Error() != tt.err {
					t.Errorf("error %v, want %q", err, tt.err)
				}
			case err != nil:
				t.Errorf("unexpected error %v", err)
			case string(got) != tt.want:
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
