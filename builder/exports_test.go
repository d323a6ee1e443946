package builder

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/internal/decktest"
	"github.com/google/go-cmp/cmp"
)

// copyRepoDeck copies the repository's own deck (config.toml and cards/)
// into a temporary folder and returns the copied config.toml.
func copyRepoDeck(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	copyFile := func(src, dst string) error {
		data, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	}
	if err := copyFile("../config.toml", filepath.Join(dst, "config.toml")); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir("../cards", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("..", path)
		switch {
		case d.IsDir():
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		case strings.HasSuffix(path, ".go"):
			return nil
		}
		return copyFile(path, filepath.Join(dst, rel))
	})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dst, "config.toml")
}

// cardsIn returns the card ids an output file holds, read back the way its
// users read it; the ids are sorted.
func cardsIn(t *testing.T, format, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	switch format {
	case "csv":
		lines := strings.Split(string(data), "\n")
		for len(lines) > 0 && strings.HasPrefix(lines[0], "#") {
			lines = lines[1:]
		}
		r := csv.NewReader(strings.NewReader(strings.Join(lines, "\n")))
		r.Comma = '\t'
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, rec := range recs {
			ids = append(ids, rec[0])
		}
	case "csv-plain":
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, rec := range recs[1:] {
			ids = append(ids, rec[0])
		}
	case "md", "md-quiz", "md-details":
		// Card anchors are card ids; every other anchor contains '_'.
		for _, m := range regexp.MustCompile(`(?m)^<span id="([^"_]+)"></span>$`).FindAllStringSubmatch(string(data), -1) {
			ids = append(ids, m[1])
		}
	case "apkg":
		ids = packageCards(t, path)
	default:
		t.Fatalf("no reader for format %s", format)
	}
	sort.Strings(ids)
	return ids
}

// packageCards returns the first field (the card ID) of every note of an .apkg.
func packageCards(t *testing.T, path string) []string {
	t.Helper()
	var ids []string
	for _, n := range decktest.Notes(t, path) {
		ids = append(ids, n.ID)
	}
	return ids
}

func sortedIDs(cs []*cards.Card) []string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	sort.Strings(ids)
	return ids
}

// Every target, and an ad-hoc selection, holds exactly the cards its filter
// selects, in every format.
func TestEveryFormatHoldsExactlyTheSelectedCards(t *testing.T) {
	cfg := copyRepoDeck(t)
	formats := []string{"apkg", "csv", "csv-plain", "md", "md-quiz", "md-details"}
	out := t.TempDir()
	var stderr bytes.Buffer
	res, err := Run(Options{ConfigPath: cfg, Formats: formats, OutDir: out, Stderr: &stderr})
	if err != nil {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
	deck, ds := cards.Load(cfg)
	if deck == nil {
		t.Fatal(ds)
	}
	if len(deck.Config.Targets) < 2 {
		t.Fatal("the deck needs per-topic targets for this test")
	}
	checked := 0
	for _, tg := range deck.Config.Targets {
		want := sortedIDs(deck.Filter(tg.Filter()).Cards)
		for _, f := range formats {
			path := filepath.Join(out, OutputName(deck.Config, tg.Name, exporterFor(f).Extension()))
			if diff := cmp.Diff(want, cardsIn(t, f, path)); diff != "" {
				t.Errorf("target %s, %s (-want +got):\n%s", tg.Name, filepath.Base(path), diff)
			}
			checked++
		}
	}
	if checked != len(res.Artifacts) {
		t.Errorf("checked %d files of the %d the build wrote", checked, len(res.Artifacts))
	}

	// An ad-hoc selection by a tag that some but not all cards carry.
	var filter cards.Filter
	for _, c := range deck.Cards {
		for _, tag := range c.Tags {
			if n := len(deck.Filter(cards.Filter{Tags: []string{tag}}).Cards); filter.IsZero() && n > 1 && n < len(deck.Cards) {
				filter = cards.Filter{Tags: []string{tag}}
			}
		}
	}
	if filter.IsZero() {
		t.Fatal("no tag selects part of the deck")
	}
	tag := filter.Tags[0]
	adhoc := t.TempDir()
	if _, err := Run(Options{ConfigPath: cfg, Formats: formats, OutDir: adhoc, Filter: filter}); err != nil {
		t.Fatal(err)
	}
	want := sortedIDs(deck.Filter(filter).Cards)
	for _, f := range formats {
		path := filepath.Join(adhoc, OutputName(deck.Config, adhocName(filter), exporterFor(f).Extension()))
		if diff := cmp.Diff(want, cardsIn(t, f, path)); diff != "" {
			t.Errorf("--tag %s, %s (-want +got):\n%s", tag, filepath.Base(path), diff)
		}
	}
}
