package builder

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cardgen/cardgen/internal/synth"
	"github.com/google/go-cmp/cmp"
)

// cacheDeck writes a synthetic deck plus a topic file whose cards the
// sanitizer cuts, so warnings take part in every comparison.
func cacheDeck(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := synth.Write(dir, 200, 11); err != nil {
		t.Fatal(err)
	}
	odd := "[[cards]]\nid = \"raw-html\"\nquestion = \"q <script>x</script>\"\nanswer = '''\n<b onclick=\"x()\">b</b> [l](javascript:x) 3. three\n'''\n" +
		"\n[[cards]]\nid = \"code\"\nquestion = \"code?\"\nanswer = '''\n```python {linenos=true}\nx = 1\n```\n'''\n"
	if err := os.WriteFile(filepath.Join(dir, "cards", "topic-09-extra.toml"), []byte("topic = \"topic-09\"\n"+odd), 0o644); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "config.toml")
}

// readOutputs reads every file of dir.
func readOutputs(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

func buildWith(t *testing.T, cfg string, c *Cache) (map[string][]byte, string) {
	t.Helper()
	var stderr bytes.Buffer
	out := filepath.Join(filepath.Dir(cfg), "dist")
	_, err := Run(Options{ConfigPath: cfg, OutDir: out, Formats: []string{"apkg", "csv", "csv-plain", "md"},
		Epoch: time.Unix(1700000000, 0), Stderr: &stderr, Cache: c})
	if err != nil {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
	return readOutputs(t, out), stderr.String()
}

func validateWith(t *testing.T, cfg string, c *Cache) string {
	t.Helper()
	var stderr bytes.Buffer
	if err := ValidateWith(ValidateOptions{ConfigPath: cfg, Stderr: &stderr, Cache: c}); err != nil {
		t.Fatalf("validate: %v\n%s", err, stderr.String())
	}
	return stderr.String()
}

// damageCache rewrites every entry with damage applied.
func damageCache(t *testing.T, dir string, damage func([]byte) []byte) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".bin") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		return os.WriteFile(path, damage(b), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCacheNeverChangesOutput(t *testing.T) {
	cfg := cacheDeck(t)
	buildWith(t, cfg, nil) // writes the lock, so every build below reads the same one
	cold, coldErr := buildWith(t, cfg, nil)
	coldCheck := validateWith(t, cfg, nil)
	if !strings.Contains(coldErr, "warning") || !strings.Contains(coldCheck, "unsafe HTML removed") {
		t.Fatalf("the deck should warn:\n%s\n%s", coldErr, coldCheck)
	}
	c := newCache(t.TempDir(), []byte("test build"))
	same := func(name string, out map[string][]byte, stderr, check string) {
		t.Helper()
		if d := cmp.Diff(cold, out); d != "" {
			t.Fatalf("%s: outputs differ from a build without cache:\n%s", name, d)
		}
		if stderr != coldErr {
			t.Fatalf("%s: build report differs:\n%s\nwant:\n%s", name, stderr, coldErr)
		}
		if check != coldCheck {
			t.Fatalf("%s: validate report differs:\n%s\nwant:\n%s", name, check, coldCheck)
		}
	}
	// Validation first fills only its own entries; a build then needs its HTML.
	check := validateWith(t, cfg, c)
	out, stderr := buildWith(t, cfg, c)
	same("filling", out, stderr, check)
	out, stderr = buildWith(t, cfg, c)
	same("warm", out, stderr, validateWith(t, cfg, c))

	for name, damage := range map[string]func([]byte) []byte{
		"flipped byte": func(b []byte) []byte { b[len(b)-1] ^= 1; return b },
		"truncated":    func(b []byte) []byte { return b[:len(b)/2] },
		"empty":        func([]byte) []byte { return nil },
	} {
		if n := damageCache(t, c.Dir(), damage); n == 0 {
			t.Fatal("the cache has no entries")
		}
		out, stderr := buildWith(t, cfg, c)
		same(name, out, stderr, validateWith(t, cfg, c))
	}

	// Another cardgen build never reads these entries.
	other := newCache(c.Dir(), []byte("another build"))
	out, stderr = buildWith(t, cfg, other)
	same("other build", out, stderr, validateWith(t, cfg, other))
}

func TestCacheAfterEdit(t *testing.T) {
	cfg := cacheDeck(t)
	c := newCache(t.TempDir(), []byte("test build"))
	buildWith(t, cfg, c)
	file := filepath.Join(filepath.Dir(cfg), "cards", "topic-03.toml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "answer = '''\n", "answer = '''\n**改过的答案** <i onmouseover=\"x\">i</i>\n", 1)
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	warm, warmErr := buildWith(t, cfg, c)
	warmCheck := validateWith(t, cfg, c)
	cold, coldErr := buildWith(t, cfg, nil)
	if d := cmp.Diff(cold, warm); d != "" {
		t.Fatalf("after an edit, outputs differ from a build without cache:\n%s", d)
	}
	if !strings.Contains(warmCheck, "onmouseover") {
		t.Fatalf("validate misses the edited card's warning:\n%s", warmCheck)
	}
	if warmCheck != validateWith(t, cfg, nil) {
		t.Fatal("validate differs with and without cache")
	}
	// The lock was updated by the warm build; the cold one reports no change.
	if !strings.Contains(warmErr, "1 changed") && !strings.Contains(warmErr, "updated") {
		t.Fatalf("the warm build did not update the lock:\n%s", warmErr)
	}
	_ = coldErr

	// Cards moved, removed and added: only unchanged Markdown may come from the previous entry.
	parts := strings.Split(edited, "[[cards]]\n")
	parts[1], parts[len(parts)-1] = parts[len(parts)-1], parts[1]
	parts = append(parts[:2], parts[3:]...)
	parts = append(parts, "id = \"brand-new\"\nquestion = \"新题 <script>x</script>?\"\nanswer = \"新答案\"\n\n")
	if err := os.WriteFile(file, []byte(strings.Join(parts, "[[cards]]\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	warm, _ = buildWith(t, cfg, c)
	warmCheck = validateWith(t, cfg, c)
	cold, _ = buildWith(t, cfg, nil)
	if d := cmp.Diff(cold, warm); d != "" {
		t.Fatalf("after moving cards, outputs differ from a build without cache:\n%s", d)
	}
	if warmCheck != validateWith(t, cfg, nil) || !strings.Contains(warmCheck, "brand-new") {
		t.Fatalf("validate after moving cards:\n%s", warmCheck)
	}
}

func TestCacheEntries(t *testing.T) {
	dir := t.TempDir()
	c := newCache(dir, []byte("id"))
	key := [32]byte{1}
	if c.Get("k", "a.toml", key) != nil {
		t.Fatal("empty cache hit")
	}
	c.Put("k", "a.toml", key, []byte("value"))
	if got := c.Get("k", "a.toml", key); string(got) != "value" {
		t.Fatalf("Get = %q", got)
	}
	if c.Get("k", "a.toml", [32]byte{2}) != nil || c.Get("other", "a.toml", key) != nil || c.Get("k", "b.toml", key) != nil {
		t.Fatal("hit for another content, kind or file")
	}
	// A new value for the same file replaces the old one: one slot per file and kind.
	c.Put("k", "a.toml", [32]byte{2}, []byte("new"))
	if c.Get("k", "a.toml", key) != nil || string(c.Get("k", "a.toml", [32]byte{2})) != "new" {
		t.Fatal("the slot was not replaced")
	}
	if n := damageCache(t, dir, func(b []byte) []byte { return b }); n != 1 {
		t.Fatalf("%d entries for one file and kind", n)
	}
	var nilCache *Cache
	nilCache.Put("k", "a.toml", key, nil)
	if nilCache.Get("k", "a.toml", key) != nil {
		t.Fatal("nil cache hit")
	}
}

func TestCachePrune(t *testing.T) {
	dir := t.TempDir()
	c := newCache(dir, []byte("id"))
	c.Put("k", "old.toml", [32]byte{}, []byte("x"))
	c.Put("k", "new.toml", [32]byte{}, []byte("y"))
	old := time.Now().Add(-cacheMaxAge - time.Hour)
	if err := os.Chtimes(c.slot("k", "old.toml"), old, old); err != nil {
		t.Fatal(err)
	}
	c.prune(time.Now()) // pruned less than a day ago: nothing happens
	if _, err := os.Stat(c.slot("k", "old.toml")); err != nil {
		t.Fatal("pruned again within a day")
	}
	c.prune(time.Now().Add(cachePruneEvery + time.Hour))
	if _, err := os.Stat(c.slot("k", "old.toml")); err == nil {
		t.Fatal("an entry unread for too long survived")
	}
	if c.Get("k", "new.toml", [32]byte{}) == nil {
		t.Fatal("a recent entry was removed")
	}
}
