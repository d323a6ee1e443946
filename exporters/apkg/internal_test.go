package apkg

import (
	"bytes"
	"compress/flate"
	"fmt"
	"html"
	"io"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/ankinote"
	"github.com/cardgen/cardgen/exporters/render"
	"github.com/cardgen/cardgen/lock"
	"github.com/google/go-cmp/cmp"
)

// Anki 2.1.15's stripHTMLMedia, regular expression by regular expression (anki-format.md §2.3).
var (
	oracleMedia   = regexp.MustCompile(`(?i)<img[^>]+src=["']?([^"'>]+)["']?[^>]*>`)
	oracleComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	oracleStyle   = regexp.MustCompile(`(?si)<style.*?>.*?</style>`)
	oracleScript  = regexp.MustCompile(`(?si)<script.*?>.*?</script>`)
	oracleTag     = regexp.MustCompile(`(?s)<.*?>`)
)

func oracleStrip(s string) string {
	s = oracleMedia.ReplaceAllString(s, " $1 ")
	s = oracleComment.ReplaceAllString(s, "")
	s = oracleStyle.ReplaceAllString(s, "")
	s = oracleScript.ReplaceAllString(s, "")
	s = oracleTag.ReplaceAllString(s, "")
	s = html.UnescapeString(strings.ReplaceAll(s, "&nbsp;", " "))
	return strings.ReplaceAll(s, "\u00a0", " ")
}

func TestStripMatchesAnkiGoldenValues(t *testing.T) {
	// Both values were produced by Anki 2.1.15 itself (anki-format.md §6.1 and §7).
	if got := fieldChecksum("What is 2+2?"); got != 1504862567 {
		t.Errorf("csum = %d, want 1504862567", got)
	}
	in := `What does <code>len(&quot;ab&quot;)</code> return? <img src="q1-fig.png"> \(x^2\)`
	if got, want := stripHTMLMedia(in), `What does len("ab") return?  q1-fig.png  \(x^2\)`; got != want {
		t.Errorf("sfld = %q, want %q", got, want)
	}
	if got := fieldChecksum(in); got != 485223942 {
		t.Errorf("csum = %d, want 485223942", got)
	}
}

func TestStripMatchesAnkiRegexps(t *testing.T) {
	inputs := []string{
		"", "plain", "a < b", "a > b", "<", "<b>unclosed", "x &amp; y &lt;z&gt; &nbsp;&nbsp;", "&#225; &#xE1; &unknown;",
		`<img src="a.png">`, `<IMG SRC='b.png' alt=x>`, `<img alt="x" src=c.png>`, `<img data-src="d.png">`,
		`<img src="" alt="e"><img title="f" src="g.png" data-src="h.png">`, `<img>`, `<img src=">`,
		`<!-- note --> kept <!-- unclosed`, `<style type="text/css">p{}</style>after`, `<STYLE>x</Style>y`,
		`<script>alert(1)</script>z`, `<script>never closed`, "multi\nline <b\nclass=x>bold</b>",
		`<pre class="hl-chroma"><code><span class="hl-k">def</span> f():` + "\n" + `  return 1 &lt; 2</code></pre>`,
		"中文 <strong>粗体</strong> \\(x^2\\)",
	}
	r := render.New()
	for _, md := range []string{
		"**RoI Align** 相比 `RoI Pooling` 改进了什么? $x < y$\n\n![a](media/a.png)",
		"```python\ndef f(x):\n    return x & 1 < 2\n```\n\n$$\n\\frac{a}{b}\n$$\n\n| a | b |\n|---|---|\n| 1 | 2 |",
		"<details><summary>提示</summary>内容 <kbd>Ctrl</kbd></details> &nbsp; A&amp;B",
	} {
		h, err := r.HTML(md)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, h)
	}
	for _, in := range inputs {
		if got, want := stripHTMLMedia(in), oracleStrip(in); got != want {
			t.Errorf("stripHTMLMedia(%q) = %q, Anki gives %q", in, got, want)
		}
	}
}

func testConfig() *cards.Config {
	return &cards.Config{
		Deck:   cards.DeckConfig{ID: "t", Namespace: "t", Name: "T"},
		Topics: []cards.Topic{{ID: "a", Name: "A"}},
	}
}

func TestNoteIDCollisionsAreResolvedDeterministically(t *testing.T) {
	// Find two card ids whose derived note ids collide.
	seen := map[int64]string{}
	var a, b string
	for i := 0; a == ""; i++ {
		id := fmt.Sprintf("card-%d", i)
		n := ankinote.NoteID("t", id)
		if prev, ok := seen[n]; ok {
			a, b = prev, id
		}
		seen[n] = id
	}
	if a > b {
		a, b = b, a
	}
	full := &cards.Deck{Config: testConfig(), Cards: []*cards.Card{{ID: b}, {ID: "other"}, {ID: a}}}
	l := lock.New()
	ids := noteIDs("t", full, l)
	base := ankinote.NoteID("t", a)
	if ids[a] != base || ids[b] != base+1000 {
		t.Errorf("ids of %s and %s = %d, %d; want %d and %d (the smaller card id keeps its id)", a, b, ids[a], ids[b], base, base+1000)
	}
	// The same ids whatever the order of the deck, and for a tombstone.
	full.Cards = []*cards.Card{{ID: a}, {ID: "other"}}
	l.Retired[b] = lock.Retired{Type: "basic"}
	if got := noteIDs("t", full, l); got[a] != ids[a] || got[b] != ids[b] || got["other"] != ids["other"] {
		t.Errorf("ids changed with order or retirement: %v, want %v", got, ids)
	}
}

func TestCardOrds(t *testing.T) {
	tests := []struct {
		typ    cards.Type
		fields []string
		src    string
		want   []int
	}{
		{cards.Basic, []string{"id", "q", "a", "", ""}, "", []int{0}},
		{cards.Reversed, []string{"id", "q", "a", "", ""}, "", []int{0, 1}},
		{cards.Reversed, []string{"id", "q", " ", "", ""}, "", []int{0}}, // no empty answer-side card
		{cards.Cloze, []string{"id", "t", "", ""}, "{{c3::x}} {{c1::y}} {{c3::z}}", []int{0, 2}},
	}
	for _, tt := range tests {
		if got := cardOrds(tt.typ, tt.fields, tt.src); !slices.Equal(got, tt.want) {
			t.Errorf("cardOrds(%s, %q) = %v, want %v", tt.typ, tt.src, got, tt.want)
		}
	}
}

func TestJoinTags(t *testing.T) {
	if got := joinTags(nil); got != "" {
		t.Errorf("no tags = %q, want empty", got)
	}
	if got := joinTags([]string{"topic::b", "x", "a", "x"}); got != " a topic::b x " {
		t.Errorf("tags = %q", got)
	}
}

func TestRetiredClozeKeepsItsDeletions(t *testing.T) {
	cfg := testConfig()
	n := retiredNote(cfg, "c", lock.Retired{Type: "cloze", Topic: "a", Question: "{{c1::x}} & {{c2::y}}", Mod: 1780000000})
	// The text keeps both deletions, so a learner's existing cards 1 and 2 still render.
	if len(n.fields) != len(n.nt.Fields) || !n.nt.Cloze {
		t.Fatalf("retired cloze note: %d fields, note type %s", len(n.fields), n.nt.Name)
	}
	if d := cmp.Diff([]int{0}, n.ords); d != "" {
		t.Errorf("ords (-want +got):\n%s", d)
	}
	if !strings.Contains(n.fields[1], "{{c1::x}} &amp; {{c2::y}}") || !strings.Contains(n.fields[2], "2026-05-28") {
		t.Errorf("fields %q", n.fields)
	}
}

func TestNoteTypeHashCoversTemplatesAndCSS(t *testing.T) {
	nt := ankinote.For(testConfig(), cards.Basic)
	h := noteTypeHash(nt, CSS())
	if h != noteTypeHash(nt, CSS()) {
		t.Fatal("hash is not deterministic")
	}
	if noteTypeHash(nt, CSS()+"p{}") == h {
		t.Error("a CSS change does not change the hash")
	}
	other := nt
	other.Fields = append(slices.Clone(nt.Fields), "New")
	if noteTypeHash(other, CSS()) == h {
		t.Error("a field change does not change the hash")
	}
	if noteTypeHash(ankinote.For(testConfig(), cards.Reversed), CSS()) == h {
		t.Error("basic and reversed note types hash the same")
	}
}

func TestParallelDeflate(t *testing.T) {
	data := make([]byte, 3*chunkSize+12345)
	for i := range data {
		data[i] = byte(i*7) ^ byte(i>>9) // compressible, not trivially
	}
	compress := func(procs int, in []byte) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		var out bytes.Buffer
		z := newParallelDeflate(&out)
		// Uneven writes, as io.Copy may make.
		for rest := in; len(rest) > 0; {
			n := min(len(rest), 100_000)
			if _, err := z.Write(rest[:n]); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	for _, size := range []int{0, 1, chunkSize - 1, chunkSize, len(data)} {
		one := compress(1, data[:size])
		four := compress(4, data[:size])
		if !bytes.Equal(one, four) {
			t.Errorf("size %d: output depends on the number of cores", size)
		}
		got, err := io.ReadAll(flate.NewReader(bytes.NewReader(four)))
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if !bytes.Equal(got, data[:size]) {
			t.Errorf("size %d: round trip lost data (%d bytes back)", size, len(got))
		}
	}
}

func TestCollapseSpace(t *testing.T) {
	for _, s := range []string{"", " ", "a", "  a  b\t\nc  ", "全角\u3000空格\u00a0与\u0085换行", "bad \xff\xfe bytes \xe4\xb8", "x\u2028y", "\t\n"} {
		if got, want := collapseSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzCollapseSpace(f *testing.F) {
	f.Add("  a  b\t\nc  全角\u3000空格")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := collapseSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	})
}
