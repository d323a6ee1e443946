package cards

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// scanTOMLRegexp is the line-by-line regexp scanner scanTOML replaced; it is the reference.
func scanTOMLRegexp(data []byte) *tomlIndex {
	idx := &tomlIndex{}
	table, index := "", -1
	counts := map[string]int{}
	closer := ""
	for i, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSuffix(raw, "\r")
		if closer != "" {
			if strings.Contains(line, closer) {
				closer = ""
			}
			continue
		}
		if m := headerRE.FindStringSubmatch(line); m != nil {
			name := strings.Trim(m[2], `"' `)
			array := m[1] == "[["
			idx.headers = append(idx.headers, tomlHeader{name: name, array: array, line: i + 1})
			table, index = name, -1
			if array {
				index = counts[name]
				counts[name]++
			}
			continue
		}
		if m := keyRE.FindStringSubmatch(line); m != nil {
			name := strings.Trim(m[1], `"'`)
			idx.keys = append(idx.keys, tomlKey{table: table, index: index, name: name, line: i + 1})
			val := strings.TrimSpace(m[2])
			for _, q := range []string{`"""`, `'''`} {
				if strings.HasPrefix(val, q) && !strings.Contains(val[3:], q) {
					closer = q
				}
			}
		}
	}
	return idx
}

// elementKeysLinear is elementKeys as a scan over every key, the reference.
func elementKeysLinear(x *tomlIndex, table string, index int) map[string]int {
	out := map[string]int{}
	for _, k := range x.keys {
		if k.table == table && k.index == index {
			if _, seen := out[k.name]; !seen {
				out[k.name] = k.line
			}
		}
	}
	return out
}

func checkScanEquivalent(t *testing.T, data []byte) {
	t.Helper()
	got, want := scanTOML(data), scanTOMLRegexp(data)
	opt := cmp.AllowUnexported(tomlHeader{}, tomlKey{})
	if d := cmp.Diff(want.headers, got.headers, opt); d != "" {
		t.Fatalf("headers of %q (-regexp +scanner):\n%s", data, d)
	}
	if d := cmp.Diff(want.keys, got.keys, opt); d != "" {
		t.Fatalf("keys of %q (-regexp +scanner):\n%s", data, d)
	}
	names := map[string]bool{"cards": true, "": true}
	for _, h := range want.headers {
		names[h.name] = true
	}
	for name := range names {
		for i := -1; i <= len(want.headers); i++ {
			if d := cmp.Diff(elementKeysLinear(want, name, i), got.elementKeys(name, i)); d != "" {
				t.Fatalf("elementKeys(%q, %d) of %q:\n%s", name, i, data, d)
			}
		}
	}
}

var scanSeeds = []string{
	"",
	"\n",
	"topic = \"a\"\n[[cards]]\nid = \"x\"\nanswer = '''\n[[cards]]\nid = \"y\"\n'''\n",
	"[[cards]]\r\nid=\"x\"\r\nquestion = \"\"\"\r\nid = 1\r\n\"\"\"\r\n",
	"  [[ cards ]]  # c\n\t id\t=\t1\n[cards.sub]\nx.y = 2\n[[cards]]\n\"id\" = 3\n'q' = 4\n",
	"[deck]\nid = \"d\"\n[[topics]]\nid = \"a\"\n[[targets]]\nname = \"all\"\n[[topics]]\nid = \"b\"\n",
	"a = '''x'''\nb = \"\"\"y\nc = 1\n\"\"\"\nd = 2\n",
	"a .b = 1\na. b = 2\nab\n= 3\nk = \v'''\nz = 1\n'''\n",
	"[[\"cards\"]]\nid = 1\n[['cards']]\nid = 2\n[[cards]\nid = 3\n[cards]]\nid = 4\n",
	"x\fy = 1\n\f[[cards]]\f\nid=1 # = 2\n-=1\n_ = 2\n",
}

func TestScanTOMLMatchesRegexp(t *testing.T) {
	for _, s := range scanSeeds {
		checkScanEquivalent(t, []byte(s))
	}
	files, _ := filepath.Glob("*.toml")
	files = append(files, "../config.toml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkScanEquivalent(t, data)
	}
}

func FuzzScanTOML(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if msg, _ := checkText(data); msg != "" {
			return // the loader rejects such files before scanning
		}
		checkScanEquivalent(t, data)
	})
}
