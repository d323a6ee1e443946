package cards

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/cardgen/cardgen/internal/synth"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// checkDecodeFast fails unless decodeFast either gives up or agrees with the TOML decoder.
func checkDecodeFast(t *testing.T, data []byte) bool {
	t.Helper()
	fast, ok := decodeFast(data)
	if !ok {
		return false
	}
	var want fileDoc
	md, err := toml.Decode(string(data), &want)
	if err != nil {
		t.Fatalf("decodeFast accepted what the decoder rejects (%v):\n%q", err, data)
	}
	if len(md.Undecoded()) > 0 {
		t.Fatalf("decodeFast accepted unknown keys %v:\n%q", md.Undecoded(), data)
	}
	if d := cmp.Diff(want, fast, cmp.AllowUnexported(fileDoc{}, cardDoc{}), cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("decodeFast differs from the decoder (-decoder +fast):\n%s\ninput: %q", d, data)
	}
	return true
}

var fastSeeds = []string{
	"",
	"topic = \"detection\"\n\n[[cards]]\nid = \"a\"\nquestion = \"q \\\"quoted\\\" \\\\ \\t\"\nanswer = '''\nline 1\n  $x$ \\frac{a}{b}\n'''\ntags = [\"x\", 'y',]\ntopics = []\n",
	"# comment\n[[cards]] \n  id='b' # trailing\nextra = \"\"\"\nno escapes here\n\"\"\"\nsource = 'Q1'\ntype = \"cloze\"\n",
	"[[cards]]\nid = \"a\"\nid = \"b\"\n",
	"[[cards]]\nanswer = '''a''''\n",
	"[[cards]]\nanswer = '''\n\n'''\n",
	"[[cards]]\nquestion = \"\\u00e9\"\n",
	"[[cards]]\nunknown = \"x\"\n",
	"[cards]\nid = \"x\"\n",
	"[[cards]]\ntags = [\n\"a\"]\n",
	"[[cards]]\nid = 1\n",
	"[[cards]]\ntags = \"a\"\n",
	"topic = \"t\"\ntopic = \"u\"\n",
	"[[cards]]\nquestion = \"unterminated\n",
	"[[cards]]\nanswer = \"\"\"a\\\nb\"\"\"\n",
	"[[cards]]\nid = \"a\" x\n",
}

func TestDecodeFast(t *testing.T) {
	accepted := 0
	for _, s := range fastSeeds {
		if checkDecodeFast(t, []byte(s)) {
			accepted++
		}
	}
	if accepted < 3 {
		t.Fatalf("decodeFast accepted only %d seeds", accepted)
	}
	dir := t.TempDir()
	if err := synth.Write(dir, 500, 5); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.toml")
	synthFiles, _ := filepath.Glob(filepath.Join(dir, "cards", "*.toml"))
	for _, f := range append(files, synthFiles...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !checkDecodeFast(t, data) {
			t.Errorf("%s: decodeFast gave up on an ordinary topic file", f)
		}
	}
}

func FuzzDecodeFast(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if msg, _ := checkText(data); msg != "" {
			return // rejected before decoding
		}
		checkDecodeFast(t, data)
	})
}
