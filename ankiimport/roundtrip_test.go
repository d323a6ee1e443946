package ankiimport

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cardgen/cardgen/builder"
	"github.com/cardgen/cardgen/internal/decktest"
)

// copyDeck copies a deck's config.toml and cards/ (the repository's own deck: "..").
func copyDeck(t *testing.T, root string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "deck")
	copyOne := func(src, dst string) {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyOne(filepath.Join(root, "config.toml"), filepath.Join(dst, "config.toml"))
	err := filepath.WalkDir(filepath.Join(root, "cards"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".go") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		copyOne(path, filepath.Join(dst, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dst, "config.toml")
}

// buildAPKG builds the full deck's package and returns its path.
func buildAPKG(t *testing.T, cfg string) string {
	return buildAt(t, cfg, time.Unix(1790000000, 0), false)
}

// buildAt builds the full deck's package with the given build time.
func buildAt(t *testing.T, cfg string, epoch time.Time, locked bool) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "dist")
	res, err := builder.Run(builder.Options{ConfigPath: cfg, OutDir: out, Formats: []string{"apkg"}, Target: "all",
		Epoch: epoch, Locked: locked, Stderr: io.Discard, Quiet: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range res.Artifacts {
		if strings.HasSuffix(a.Path, ".apkg") {
			return a.Path
		}
	}
	t.Fatal("the build wrote no .apkg")
	return ""
}

// packageNotes reads the notes of a cardgen package through SQLite, keyed by GUID.
func packageNotes(t *testing.T, apkg string) map[string]decktest.Note {
	t.Helper()
	out := map[string]decktest.Note{}
	for _, n := range decktest.Notes(t, apkg) {
		out[n.GUID] = n
	}
	return out
}

// The shipped deck (and a small one with an image): build, import into a
// new folder with no flags, build again (--locked, a day later): the same
// notes (GUIDs, note type ids, times, rendered fields and tags) and the same media.
func TestShippedDeckRoundTrip(t *testing.T) {
	for _, tc := range []struct{ name, root, namespace string }{
		{"shipped", "..", "cv-interview"},
		{"repro", "../builder/testdata/repro", "repro"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first := buildAPKG(t, copyDeck(t, tc.root))
			dir := filepath.Join(t.TempDir(), "imported")
			res, err := Run(Options{File: first, Dir: dir, SeedLock: builder.SeedLock})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Plan.Recognised || res.Plan.Namespace != tc.namespace || len(res.Plan.NoteTypes) != 0 {
				t.Errorf("recognised=%v namespace=%q declared=%d; want cardgen's own deck recovered", res.Plan.Recognised, res.Plan.Namespace, len(res.Plan.NoteTypes))
			}
			if len(res.Plan.Warnings) > 0 {
				t.Errorf("warnings: %v", res.Plan.Warnings)
			}
			second := buildAt(t, filepath.Join(dir, "config.toml"), time.Unix(1790086400, 0), true)
			want, got := packageNotes(t, first), packageNotes(t, second)
			if len(want) == 0 {
				t.Fatal("the deck built no notes")
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("notes after build → import → build differ (-first +second):\n%s", d)
			}
			if d := cmp.Diff(packageMedia(t, first), packageMedia(t, second)); d != "" {
				t.Errorf("media differ (-first +second):\n%s", d)
			}
			// The cards carry no guid: namespace and id derive every GUID.
			data, _ := os.ReadFile(filepath.Join(dir, "cards", "detection.toml"))
			if strings.Contains(string(data), "guid") {
				t.Errorf("cards of cardgen's own deck got guid fields")
			}
		})
	}
}

// packageMedia maps each media name of a package to its content.
func packageMedia(t *testing.T, apkg string) map[string]string {
	t.Helper()
	p, err := openPackage(apkg, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	out := map[string]string{}
	for name, f := range p.media {
		b, err := p.readAll(f, 1<<20, false)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = string(b)
	}
	return out
}

// Another namespace for a deck cardgen built keeps every GUID (as guid keys)
// and says that the note types change.
func TestOtherNamespace(t *testing.T) {
	apkg := buildAPKG(t, copyDeck(t, "../builder/testdata/repro"))
	dir := filepath.Join(t.TempDir(), "p")
	res, err := Run(Options{File: apkg, Dir: dir, Namespace: "other", SeedLock: builder.SeedLock})
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(res.Plan.Warnings, "\n"); !strings.Contains(w, `note type "repro (basic)" belongs to namespace "repro", the project to "other"`) {
		t.Errorf("warnings = %s", w)
	}
	want := packageNotes(t, apkg)
	got := packageNotes(t, buildAt(t, filepath.Join(dir, "config.toml"), time.Unix(1790086400, 0), true))
	for guid := range want {
		if _, ok := got[guid]; !ok {
			t.Errorf("GUID %s lost", guid)
		}
	}
}
