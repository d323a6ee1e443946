package cards

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the loader as a topic file: it must never
// panic, and a deck it accepts must satisfy the model's invariants.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(goodDetection))
	f.Add([]byte(goodNormalization))
	f.Add([]byte("[[cards]]\nid = \"a\"\ntype = \"cloze\"\nquestion = \"{{c1::x}} {{c2::y}}\"\n"))
	f.Add([]byte("\xef\xbb\xbf[[cards]]\r\nid = \"a\"\r\nquestion = '''\r\nq\r\n'''\r\n"))
	f.Add([]byte("[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = \"![x](../a.png) <img src='/etc/passwd'>\"\n"))
	f.Add([]byte("topic = \"normalization\"\n[[cards]]\nid = \"a\"\ntopics = [\"optimization\", \"nope\"]\ntags = [\"a b\"]\nquestion = \"q\"\n"))
	dir := f.TempDir()
	cfgPath := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfgPath, []byte(testConfig), 0o644); err != nil {
		f.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "cards"), 0o755); err != nil {
		f.Fatal(err)
	}
	card := filepath.Join(dir, "cards", "detection.toml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(card, data, 0o644); err != nil {
			t.Fatal(err)
		}
		deck, ds := Load(cfgPath)
		for _, d := range ds {
			if d.File == "" || d.Message == "" {
				t.Fatalf("diagnostic without file or message: %+v", d)
			}
		}
		if deck == nil {
			if errs, _ := ds.Count(); errs == 0 {
				t.Fatal("no deck and no error")
			}
			return
		}
		seen := map[string]bool{}
		for _, c := range deck.Cards {
			if !IsSlug(c.ID) || seen[c.ID] {
				t.Fatalf("accepted bad or duplicate id %q", c.ID)
			}
			seen[c.ID] = true
			if strings.TrimSpace(c.Question) == "" || len(c.Topics) == 0 || c.Topics[0] != c.Topic {
				t.Fatalf("accepted card breaks invariants: %+v", c)
			}
			for _, tag := range c.Tags {
				if tag == "" || strings.ContainsAny(tag, " \t\n\"") {
					t.Fatalf("accepted tag %q", tag)
				}
			}
			for _, m := range c.Media {
				rel, err := filepath.Rel(filepath.Join(dir, "cards"), m.Path)
				if err != nil || strings.HasPrefix(rel, "..") {
					t.Fatalf("media escapes the cards folder: %s", m.Path)
				}
			}
		}
	})
}
