package render

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/google/go-cmp/cmp"
)

// pyCases are Python the fast lexer must take, each next to what chroma makes of it.
var pyCases = []string{
	"def f(x, w):\n    return (x * w).sum(axis=1)  # normalise\n",
	"import numpy as np\nimport torch.nn.functional as F, os\nfrom torch import nn\nfrom . import util\nfrom x import None\n",
	"class Net(nn.Module):\n    def __init__(self, c_in, c_out):\n        super().__init__()\n        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)\n",
	"@torch.no_grad()\ndef fuse(conv, bn):\n    w = conv.weight * (bn.weight / torch.sqrt(bn.running_var + bn.eps)).reshape(-1, 1, 1, 1)\n    return w\n",
	"x = [1, 2.5, .5, 1e-5, 3E+2j, 0x1F, 0o17, 0b1010, 1_000, 2.]\ny = x[::2] if len(x) > 3 else None\n",
	"print('训练 loss', loss.item(), \"步数\", step)  # 中文注释\n",
	"for i in range(10):\n    if i % 2 == 0 and not done or i is None:\n        continue\n    yield from gen()\n",
	"a @ b\nm = a @= b\nlambda x: x ** 2 != 3 <= 4 >> 1 << 2 // 3 -> None\nwhile True:\n    break\n",
	"try:\n    raise ValueError('bad')\nexcept (KeyError, ZeroDivisionError) as e:\n    pass\nfinally:\n    del e\n",
	"async def main():\n    async for x in aiter():\n        await x\n    match x:\n        case 1:\n            return __name__, self.__dict__, cls\n",
	"x.sum(); y. sum(); z.match(p); def1 = 1; 1if x else 2\nclass A: pass\n",
	"\tx = 1\n\n\n",
	"def f():\n    \"\"\"Doc 'x' \"q\" \"\"\n    more\"\"\"\n    return '''a\n\"\"\"b''' + \"\"\"\"\"\"\n",
	"'''unclosed\n\n",
}

func chromaTokens(t testing.TB, src string) []chroma.Token {
	t.Helper()
	it, err := chroma.Coalesce(lexers.Get("python")).Tokenise(nil, src)
	if err != nil {
		t.Fatal(err)
	}
	return it.Tokens()
}

// sameAsChroma reports whether the fast lexer takes src, and fails t when
// its tokens differ from chroma's.
func sameAsChroma(t testing.TB, src string) bool {
	t.Helper()
	got, ok := pyFast().tokens(src)
	if !ok {
		return false
	}
	if d := cmp.Diff(chromaTokens(t, src), got); d != "" {
		t.Fatalf("tokens of %q (-chroma +fast):\n%s", src, d)
	}
	return true
}

func TestPythonLexerIsPinned(t *testing.T) {
	if pyFast() == nil {
		rl := lexers.Get("python").(*chroma.RegexLexer)
		rules, _ := rl.Rules()
		t.Fatalf("chroma's Python lexer is not the one pyLexer mirrors (rules sum %s, pinned %s): "+
			"compare its rules with pylex.go, run FuzzPythonLexer, then update pythonRulesSum", rulesSum(rules), pythonRulesSum)
	}
}

func TestPythonLexerMatchesChroma(t *testing.T) {
	if pyFast() == nil {
		t.Skip("fast lexer disabled; TestPythonLexerIsPinned says why")
	}
	for _, src := range pyCases {
		if !sameAsChroma(t, src) {
			t.Errorf("fast lexer refused %q", src)
		}
	}
}

// TestPythonLexerOnTheDeck compares the two lexers on every Python block of
// the shipped question set and reports how many the fast one takes.
func TestPythonLexerOnTheDeck(t *testing.T) {
	if pyFast() == nil {
		t.Skip("fast lexer disabled; TestPythonLexerIsPinned says why")
	}
	files, err := filepath.Glob("../../cards/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no topic files: %v", err)
	}
	block := regexp.MustCompile("(?s)```python\n(.*?)```")
	taken, total := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range block.FindAllStringSubmatch(string(data), -1) {
			total++
			if sameAsChroma(t, m[1]) {
				taken++
			}
		}
	}
	t.Logf("the fast lexer takes %d of the deck's %d Python blocks", taken, total)
}

// FuzzPythonLexer holds the fast lexer to chroma: whatever it takes, it
// tokenises exactly as chroma does.
func FuzzPythonLexer(f *testing.F) {
	for _, s := range pyCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if pyFast() == nil {
			t.Skip()
		}
		sameAsChroma(t, src)
	})
}

// TestPythonLexerOnRandomPython strings together fragments of Python, most
// of them inside the fast lexer's reach, and compares the two lexers.
func TestPythonLexerOnRandomPython(t *testing.T) {
	if pyFast() == nil {
		t.Skip("fast lexer disabled; TestPythonLexerIsPinned says why")
	}
	frags := []string{"def", "class", "from", "import", "as", "yield", " ", "  ", "\t", "\n", "\n    ", ".", ",", ":",
		"(", ")", "[", "]", "{", "}", "@", "@torch", "=", "==", "!=", ":=", "**", "//", "->", "<<", ">>", "%", "~", "^", "|", "&",
		"x", "self", "cls", "sum", "len", "print", "ValueError", "__init__", "__name__", "__dict__", "None", "True", "False",
		"in", "is", "not", "and", "or", "if", "else", "for", "while", "match", "case", "async", "await", "lambda", "return", "pass",
		"0", "1", "1.", ".5", "1e5", "1e-3j", "0x1F", "0o7", "0b1", "1_000", "3_", "0x", "e", "j", "_", "__", "a1", "x2y",
		"'s'", `"d"`, "'''t\n'''", "\"\"\"D\n\"\"\"", "'", `"`, "# c 中文", "#", "'中'", `"%d"`, "'{x}'", "''", `""`, `""""`,
		"yield from", "import numpy as np", "from . import x", "from a.b import c, d", "\n\n", ";",
		"b", "r", "u", "f", "rb", "br", "x'", `y"`}
	r := rand.New(rand.NewPCG(1, 2))
	taken := 0
	for range 30000 {
		var b strings.Builder
		for range 1 + r.IntN(12) {
			b.WriteString(frags[r.IntN(len(frags))])
		}
		if sameAsChroma(t, b.String()) {
			taken++
		}
	}
	if taken < 20000 {
		t.Errorf("the fast lexer took only %d of 30000 snippets", taken)
	}
}
