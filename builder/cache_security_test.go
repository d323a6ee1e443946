package builder

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestForgedCacheEntryIsRefused: whoever can write the cache folder knows
// its layout, salt and key (they are in every entry) but not the
// authentication key kept outside it, so a forged entry is a miss.
func TestForgedCacheEntryIsRefused(t *testing.T) {
	dir := t.TempDir()
	c := newCache(dir, []byte("id"))
	content := [32]byte{7}
	c.Put("html", "a.toml", content, []byte("<p>safe</p>"))
	slot := c.slot("html", "a.toml")
	entry, err := os.ReadFile(slot)
	if err != nil {
		t.Fatal(err)
	}
	// The attacker rewrites the value and recomputes what a checksum would need.
	forged := append(bytes.Clone(entry[:entryHead]), []byte(`<img src=x onerror=alert(1)>`)...)
	if err := os.WriteFile(slot, forged, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := c.Get("html", "a.toml", content); got != nil {
		t.Fatalf("forged entry accepted: %q", got)
	}
	// An entry written under another key (another machine's cache) is a miss too.
	c.Put("html", "a.toml", content, []byte("<p>safe</p>"))
	other := &Cache{dir: dir, salt: c.salt, mac: bytes.Repeat([]byte{1}, 32)}
	if other.Get("html", "a.toml", content) != nil {
		t.Fatal("entry accepted under another key")
	}
	if _, err := os.Stat(cacheKeyPath(dir)); err != nil || strings.HasPrefix(cacheKeyPath(dir), filepath.Clean(dir)+string(filepath.Separator)) {
		t.Fatalf("key %s: %v, or inside the cache folder", cacheKeyPath(dir), err)
	}
	// A slot that is a link to /dev/zero is a miss, at once.
	os.Remove(slot)
	if err := os.Symlink("/dev/zero", slot); err == nil && c.Get("html", "a.toml", content) != nil {
		t.Fatal("/dev/zero read as an entry")
	}
}
