package cards

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cardgen/cardgen/internal/synth"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// memCache is a Cache in memory that counts hits, and can damage what it returns.
type memCache struct {
	mu      sync.Mutex
	m       map[string][]byte
	hits    int
	corrupt func([]byte) []byte
}

func (c *memCache) Get(kind, path string, key [32]byte) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[kind+path+string(key[:])]
	if !ok {
		return nil
	}
	c.hits++
	v = append([]byte(nil), v...)
	if c.corrupt != nil {
		v = c.corrupt(v)
	}
	return v
}

func (c *memCache) Put(kind, path string, key [32]byte, value []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string][]byte{}
	}
	c.m[kind+path+string(key[:])] = value
}

// sameLoad fails unless two loads gave the same deck and the same diagnostics.
func sameLoad(t *testing.T, wantDeck, gotDeck *Deck, wantDs, gotDs Diagnostics) {
	t.Helper()
	if d := cmp.Diff(wantDs, gotDs); d != "" {
		t.Fatalf("diagnostics differ (-cold +warm):\n%s", d)
	}
	if (wantDeck == nil) != (gotDeck == nil) {
		t.Fatalf("deck: cold %v, warm %v", wantDeck, gotDeck)
	}
	if wantDeck == nil {
		return
	}
	if d := cmp.Diff(wantDeck.Cards, gotDeck.Cards, cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("cards differ (-cold +warm):\n%s", d)
	}
	if d := cmp.Diff(wantDeck.Sums, gotDeck.Sums); d != "" {
		t.Fatalf("sums differ (-cold +warm):\n%s", d)
	}
}

func TestLoadCachedMatchesCold(t *testing.T) {
	dir := t.TempDir()
	if err := synth.Write(dir, 300, 3); err != nil {
		t.Fatal(err)
	}
	sets := map[string]string{
		"shipped": "../config.toml",
		"synth":   filepath.Join(dir, "config.toml"),
		"unknown keys and bad cards": writeSet(t, map[string]string{
			"cards/detection.toml":     "topc = \"x\"\n[[cards]]\nid = \"a\"\nquestion = \"q\"\nansewr = \"x\"\n\n[[cards]]\nid = \"Bad Id\"\nquestion = \"\"\ntags = [\"a b\"]\n",
			"cards/normalization.toml": "[[cards]]\nid = \"a\"\nquestion = \"dup\"\ntopics = [\"nope\"]\n",
		}),
		"toml error":   writeSet(t, map[string]string{"cards/detection.toml": "[[cards]]\nid = \"a\nquestion = 1\n"}),
		"crlf and bom": writeSet(t, map[string]string{"cards/detection.toml": "\ufeff[[cards]]\r\nid = \"a\"\r\nquestion = '''\r\nq\r\n'''\r\n"}),
	}
	for name, cfg := range sets {
		t.Run(name, func(t *testing.T) {
			coldDeck, coldDs := Load(cfg)
			c := &memCache{}
			firstDeck, firstDs := LoadCached(cfg, c)
			sameLoad(t, coldDeck, firstDeck, coldDs, firstDs)
			warmDeck, warmDs := LoadCached(cfg, c)
			sameLoad(t, coldDeck, warmDeck, coldDs, warmDs)
			if len(c.m) > 0 && c.hits == 0 {
				t.Fatal("the second load used no cache entry")
			}
			// A damaged entry is a miss, not a different deck. (Flipped bits
			// inside a string are caught by build.Cache's checksum.)
			for _, damage := range []func([]byte) []byte{
				func(b []byte) []byte { return b[:len(b)/2] },
				func(b []byte) []byte { return b[:len(b)-1] },
				func(b []byte) []byte { return append(b, 0) },
				func([]byte) []byte { return []byte{decodeFormat + 1} },
				func([]byte) []byte { return []byte{} },
			} {
				c.corrupt = damage
				d, ds := LoadCached(cfg, c)
				sameLoad(t, coldDeck, d, coldDs, ds)
			}
		})
	}
}

func TestDecodedRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("*.toml")
	for _, f := range files {
		pf := (&loader{cfg: &Config{}, ids: map[string]*Card{}, sums: map[string][32]byte{}}).cachedDecode(f, [32]byte{})
		if pf != nil {
			t.Fatal("nil cache returned an entry")
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec, d := decodeFile(f, data)
		if d != nil {
			t.Fatal(d)
		}
		got, err := unmarshalDecoded(marshalDecoded(dec))
		if err != nil {
			t.Fatal(err)
		}
		opt := cmp.AllowUnexported(decoded{}, fileDoc{}, cardDoc{}, tomlIndex{}, tomlHeader{}, tomlKey{})
		if d := cmp.Diff(dec, got, opt, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("%s: round trip differs:\n%s", f, d)
		}
	}
}

func FuzzUnmarshalDecoded(f *testing.F) {
	dec, _ := decodeFile("x.toml", []byte("topic = \"t\"\n[[cards]]\nid = \"a\"\ntags = [\"x\"]\nquestion = '''\nq\n'''\n[cards.sub]\nk = 1\n"))
	f.Add(marshalDecoded(dec))
	f.Add([]byte{decodeFormat})
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := unmarshalDecoded(b)
		if err != nil {
			return
		}
		// Whatever decodes must be usable by the loader without panicking.
		for i := range d.doc.Cards {
			d.idx.elementKeys("cards", i)
		}
		d.idx.headerLines("cards")
	})
}
