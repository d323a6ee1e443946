package apkg_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestMediaWithChineseAndPercentNames: the renderer percent-encodes such
// names in src; the package must still carry the file and point the note at it.
func TestMediaWithChineseAndPercentNames(t *testing.T) {
	cfg := writeDeck(t)
	dir := filepath.Dir(cfg)
	writeFile(t, filepath.Join(dir, "cards", "media", "示意图.png"), "\x89PNG chinese")
	writeFile(t, filepath.Join(dir, "cards", "media", "100%.png"), "\x89PNG percent")
	editFile(t, filepath.Join(dir, "cards", "detection.toml"), "![RoI Align](media/roi.png)", `![RoI Align](media/roi.png) ![图](media/示意图.png) ![百分比](media/100%.png)`)
	runBuild(t, cfg, t1)
	p := openPackage(t, distPath(cfg, "cv-test.apkg"))
	var media map[string]string
	if err := json.Unmarshal(p.entries["media"], &media); err != nil {
		t.Fatal(err)
	}
	if len(media) != 3 {
		t.Fatalf("media map = %v, want 3 files", media)
	}
	var flds string
	for _, n := range p.notes(t) {
		if strings.Contains(n.Flds, "<img") {
			flds += n.Flds
		}
	}
	for k, name := range media {
		if !strings.Contains(flds, `src="`+name+`"`) {
			t.Errorf("no field points at media %s (%s): %s", k, name, flds)
		}
		if string(p.entries[k]) == "" {
			t.Errorf("media %s is empty", k)
		}
	}
	if strings.Contains(flds, "%E7") || strings.Contains(flds, "100%") || strings.Contains(flds, "示意图") {
		t.Errorf("a field still names the source file instead of the packaged one: %s", flds)
	}
}
