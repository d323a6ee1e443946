package builder

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/internal/decktest"
)

// TestExperimentsLeaveTheRepositoryAlone: a build of an ad-hoc selection or
// into another folder writes its decks but neither the lock nor the README;
// only a build of the configured targets into the configured folder (or
// --write-lock) updates them.
func TestExperimentsLeaveTheRepositoryAlone(t *testing.T) {
	cfg := decktest.CopyDeck(t, "testdata/repro")
	dir := filepath.Dir(cfg)
	lockPath, readme := filepath.Join(dir, "cardgen.lock"), filepath.Join(dir, "README.md")
	readmeBefore, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Unix(1_700_000_000, 0) }
	unchanged := func(what string) {
		t.Helper()
		if _, err := os.Stat(lockPath); err == nil {
			t.Errorf("%s wrote the lock file", what)
		}
		if got, _ := os.ReadFile(readme); !bytes.Equal(got, readmeBefore) {
			t.Errorf("%s rewrote the README", what)
		}
	}

	var stderr bytes.Buffer
	if _, err := Run(Options{ConfigPath: cfg, Formats: []string{"csv"}, Filter: cards.Filter{Topics: []string{"detection"}}, Now: now, Stderr: &stderr}); err != nil {
		t.Fatal(err)
	}
	unchanged("an ad-hoc --topic build")
	if !strings.Contains(stderr.String(), "--write-lock") {
		t.Errorf("the build does not say it left the lock alone:\n%s", stderr.String())
	}
	elsewhere := filepath.Join(t.TempDir(), "new", "parents", "dist")
	if _, err := Run(Options{ConfigPath: cfg, Formats: []string{"csv"}, OutDir: elsewhere, Now: now}); err != nil {
		t.Fatal(err)
	}
	unchanged("a build with --out elsewhere")
	adhocCSV, err := os.ReadFile(filepath.Join(elsewhere, "repro.csv"))
	if err != nil {
		t.Fatalf("--out did not create its missing parent folders: %v", err)
	}

	stderr.Reset()
	if _, err := Run(Options{ConfigPath: cfg, Formats: []string{"csv", "apkg"}, Now: now, Stderr: &stderr}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(lockPath); err != nil {
		t.Errorf("the configured build did not write the lock: %v", err)
	}
	if got, _ := os.ReadFile(readme); bytes.Equal(got, readmeBefore) {
		t.Error("the configured build did not refresh the README")
	}
	// The experiment computed the note times the lock now holds.
	configuredCSV, err := os.ReadFile(filepath.Join(dir, "dist", "repro.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(adhocCSV, configuredCSV) {
		t.Error("the build into another folder wrote a different Anki CSV than the configured build")
	}
	// The summary tells notes from the cards Anki makes of them.
	if !strings.Contains(stderr.String(), "repro.apkg (5 notes, 7 cards)") {
		t.Errorf("the summary does not count notes and cards:\n%s", stderr.String())
	}
}

// TestEmptySelection names the flags that select nothing and says how they combine.
func TestEmptySelection(t *testing.T) {
	cfg := decktest.CopyDeck(t, "testdata/repro")
	_, err := Run(Options{ConfigPath: cfg, Formats: []string{"csv"}, Filter: cards.Filter{Topics: []string{"normalization"}, Tags: []string{"anchor"}}})
	if err == nil {
		t.Fatal("an empty selection built")
	}
	for _, want := range []string{"--topic normalization selects", "--tag anchor selects", "--topic and --tag combine with AND"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "config.toml") {
		t.Errorf("message %q blames the config", err)
	}
}

// TestPrintedLines: without a progress bar, each finished PDF is told on a line.
func TestPrintedLines(t *testing.T) {
	jobs := []*exportJob{{format: "md", final: "d/x.md"}, {format: "pdf", final: "d/x.pdf"}, {format: "pdf-cards", final: "d/x.cards.pdf"}}
	var out bytes.Buffer
	added := 0
	done := printedLine(jobs, &out, false, func(n int) { added += n })
	for _, j := range jobs {
		done(j)
	}
	want := "printed x.pdf (1 of 2 PDFs, 0s)\nprinted x.cards.pdf (2 of 2 PDFs, 0s)\n"
	if out.String() != want || added != 3 {
		t.Errorf("output %q (%d done), want %q (3)", out.String(), added, want)
	}
	out.Reset()
	done = printedLine(jobs, &out, true, func(int) {})
	done(jobs[1])
	if out.Len() != 0 {
		t.Errorf("with a progress bar: %q", out.String())
	}
}
