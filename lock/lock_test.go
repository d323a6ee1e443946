package lock

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func state(id, hash string) CardState {
	return CardState{ID: id, Hash: hash, Type: "basic", Topic: "detection", Question: "Q " + id}
}

var nts = map[string]string{"basic": "nb", "cloze": "nc"}

func TestUpdateNewLock(t *testing.T) {
	next, changes := New().Update([]CardState{state("b", "h1"), state("a", "h2")}, nts, 1000)
	want := map[string]Card{
		"a": {Hash: "h2", Mod: 1000, Type: "basic", Topic: "detection", Question: "Q a"},
		"b": {Hash: "h1", Mod: 1000, Type: "basic", Topic: "detection", Question: "Q b"},
	}
	if d := cmp.Diff(want, next.Cards); d != "" {
		t.Errorf("cards (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]Entry{"basic": {"nb", 1000}, "cloze": {"nc", 1000}}, next.NoteTypes); d != "" {
		t.Errorf("note types (-want +got):\n%s", d)
	}
	wantChanges := []Change{{"basic", NoteType}, {"cloze", NoteType}, {"a", Added}, {"b", Added}}
	if d := cmp.Diff(wantChanges, changes); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
}

func TestUpdateKeepsModOfUnchangedAndBumpsChanged(t *testing.T) {
	prev, _ := New().Update([]CardState{state("a", "h1"), state("b", "h2")}, nts, 1000)
	next, changes := prev.Update([]CardState{state("a", "h1"), state("b", "h2-edited")}, nts, 2000)
	if got := next.Cards["a"].Mod; got != 1000 {
		t.Errorf("unchanged card mod = %d, want 1000", got)
	}
	if got := next.Cards["b"].Mod; got != 2000 {
		t.Errorf("changed card mod = %d, want 2000", got)
	}
	if d := cmp.Diff([]Change{{"b", Changed}}, changes); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
}

func TestUpdateModIsStrictlyIncreasingEvenWithAnOlderClock(t *testing.T) {
	prev, _ := New().Update([]CardState{state("a", "h1")}, nts, 5000)
	// SOURCE_DATE_EPOCH set to an earlier time than the recorded mod.
	next, _ := prev.Update([]CardState{state("a", "h2")}, map[string]string{"basic": "nb2", "cloze": "nc"}, 10)
	if got := next.Cards["a"].Mod; got != 5001 {
		t.Errorf("card mod = %d, want 5001 (previous + 1)", got)
	}
	if got := next.NoteTypes["basic"].Mod; got != 5001 {
		t.Errorf("note type mod = %d, want 5001", got)
	}
	if got := next.NoteTypes["cloze"].Mod; got != 5000 {
		t.Errorf("unchanged note type mod = %d, want 5000", got)
	}
}

func TestRetireAndRestore(t *testing.T) {
	v1, _ := New().Update([]CardState{state("a", "h1"), state("gone", "h2")}, nts, 1000)
	v2, changes := v1.Update([]CardState{state("a", "h1")}, nts, 2000)
	if d := cmp.Diff([]Change{{"gone", Retire}}, changes); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
	want := Retired{Type: "basic", Topic: "detection", Question: "Q gone", Mod: 2000}
	if d := cmp.Diff(map[string]Retired{"gone": want}, v2.Retired); d != "" {
		t.Errorf("tombstones (-want +got):\n%s", d)
	}
	if _, ok := v2.Cards["gone"]; ok {
		t.Error("retired card still has a card entry")
	}

	// A later build keeps the tombstone as it is.
	v3, changes := v2.Update([]CardState{state("a", "h1")}, nts, 3000)
	if len(changes) != 0 || !v3.Equal(v2) {
		t.Errorf("rebuild without change changed the lock: %v", changes)
	}

	// The card comes back, with the same content: its mod must beat the retired note's.
	v4, changes := v3.Update([]CardState{state("a", "h1"), state("gone", "h2")}, nts, 1500)
	if d := cmp.Diff([]Change{{"gone", Restored}}, changes); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
	if got := v4.Cards["gone"].Mod; got != 2001 {
		t.Errorf("restored mod = %d, want 2001", got)
	}
	if len(v4.Retired) != 0 {
		t.Errorf("tombstone kept after restore: %v", v4.Retired)
	}
}

func TestMovedTopicKeepsMod(t *testing.T) {
	v1, _ := New().Update([]CardState{state("a", "h1")}, nts, 1000)
	moved := state("a", "h1")
	moved.Topic = "segmentation"
	v2, changes := v1.Update([]CardState{moved}, nts, 2000)
	if got := v2.Cards["a"]; got.Mod != 1000 || got.Topic != "segmentation" {
		t.Errorf("entry = %+v, want mod 1000 and the new topic", got)
	}
	if d := cmp.Diff([]Change{{"a", Moved}}, changes); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
}

func TestMarshalIsCanonical(t *testing.T) {
	l, _ := New().Update([]CardState{state("b", "h1"), state("a", "h2")}, nts, 1000)
	l.Retired["old"] = Retired{Type: "cloze", Topic: "pose", Question: `{{c1::x}} < y & "z"`, Mod: 900}
	want := `{
  "version": 1,
  "note_types": {
    "basic": {"hash":"nb","mod":1000},
    "cloze": {"hash":"nc","mod":1000}
  },
  "cards": {
    "a": {"hash":"h2","mod":1000,"type":"basic","topic":"detection","question":"Q a"},
    "b": {"hash":"h1","mod":1000,"type":"basic","topic":"detection","question":"Q b"}
  },
  "retired": {
    "old": {"type":"cloze","topic":"pose","question":"{{c1::x}} < y & \"z\"","mod":900}
  }
}
`
	if d := cmp.Diff(want, string(l.Marshal())); d != "" {
		t.Errorf("Marshal (-want +got):\n%s", d)
	}
	if got := string(New().Marshal()); got != "{\n  \"version\": 1,\n  \"note_types\": {},\n  \"cards\": {},\n  \"retired\": {}\n}\n" {
		t.Errorf("empty lock = %q", got)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cardgen.lock")
	l, _ := New().Update([]CardState{state("a", "h1")}, nts, 1000)
	l.Retired["old"] = Retired{Type: "basic", Topic: "pose", Question: "问题", Mod: 900}
	if err := l.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(l, got); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("Save left temporary files: %v", entries)
	}
}

func TestLoadMissingIsEmpty(t *testing.T) {
	l, err := Load(filepath.Join(t.TempDir(), "cardgen.lock"))
	if err != nil {
		t.Fatal(err)
	}
	if !l.Equal(New()) {
		t.Errorf("missing lock loaded as %s", l.Marshal())
	}
}

func TestLoadErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"broken.lock":  "{not json",
		"version.lock": `{"version": 99, "note_types": {}, "cards": {}, "retired": {}}`,
		"unknown.lock": `{"version": 1, "cards": {"a": {"hash": "x", "mod": 1, "colour": "red"}}}`,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v does not name the file", name, err)
		}
	}
}

func TestPrepare(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cardgen.lock")
	cs := []CardState{state("a", "h1"), state("b", "h2")}

	p, err := Prepare(path, cs, nts, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Stale {
		t.Error("a missing lock is not stale")
	}
	if err := p.OutOfDate(); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("OutOfDate = %v", err)
	}
	if err := p.Next.Save(path); err != nil {
		t.Fatal(err)
	}

	p, err = Prepare(path, cs, nts, 2000)
	if err != nil {
		t.Fatal(err)
	}
	if p.Stale || len(p.Changes) != 0 {
		t.Errorf("up-to-date lock: stale=%v changes=%v", p.Stale, p.Changes)
	}

	cs[1].Hash = "h2-edited"
	cs = append(cs, state("c", "h3"))
	p, err = Prepare(path, cs[1:], nts, 2000)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Stale {
		t.Fatal("changed set: lock not stale")
	}
	msg := p.OutOfDate().Error()
	for _, want := range []string{"a (retired)", "b (changed)", "c (added)", "cardgen build"} {
		if !strings.Contains(msg, want) {
			t.Errorf("OutOfDate message %q lacks %q", msg, want)
		}
	}
	if got := p.Summary(); got != "1 added, 1 changed, 1 retired" {
		t.Errorf("Summary = %q", got)
	}
	p, err = Prepare(path, cs[1:], map[string]string{"basic": "nb2", "cloze": "nc2"}, 2000)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Summary(); got != "1 added, 1 changed, 2 note types updated, 1 retired" {
		t.Errorf("Summary = %q", got)
	}
}

// TestAppendValueIsEncodingJSON holds the hand-written encoder to what
// encoding/json writes, so lock files keep their bytes.
func TestAppendValueIsEncodingJSON(t *testing.T) {
	strs := []string{"", "plain", "批归一化 BN", `q "quoted" \ back`, "tab\tnew\nline\r", "<b> & </b>",
		"line\u2028sep\u2029para", "bad \xff utf8", "\x00\x1f\x7f", "emoji 🙂", "{{c1::x}}"}
	var vals []any
	for _, s := range strs {
		vals = append(vals,
			Entry{Hash: s, Mod: -1},
			Card{Hash: s, Mod: 1 << 40, Type: s, Topic: s, Question: s, Topics: s},
			Card{Hash: "h", Question: s},
			Retired{Type: s, Topic: s, Question: s, Mod: 0})
	}
	for _, v := range vals {
		if got, want := string(appendValue(nil, v)), string(jsonValue(v)); got != want {
			t.Errorf("appendValue(%#v) = %s, encoding/json writes %s", v, got, want)
		}
	}
	for _, s := range strs {
		if got, want := string(appendString(nil, s)), string(jsonValue(s)); got != want {
			t.Errorf("appendString(%q) = %s, encoding/json writes %s", s, got, want)
		}
	}
}

// TestParseRefusesAmbiguousLocks: a card listed twice (a careless merge, say)
// or bytes that are not UTF-8 make the lock invalid rather than letting one
// entry win silently.
func TestParseRefusesAmbiguousLocks(t *testing.T) {
	for name, data := range map[string]string{
		"duplicate card": `{"version":1,"note_types":{},"cards":{"a":{"hash":"h","mod":1,"type":"basic","topic":"t","question":"q"},"a":{"hash":"h2","mod":2,"type":"basic","topic":"t","question":"q"}},"retired":{}}`,
		"invalid UTF-8":  "{\"version\":1,\"note_types\":{},\"cards\":{\"a\":{\"hash\":\"h\",\"mod\":1,\"type\":\"basic\",\"topic\":\"t\",\"question\":\"\xff\"}},\"retired\":{}}",
		"unknown key":    `{"version":1,"note_types":{},"cards":{},"retired":{},"extra":1}`,
	} {
		if _, err := Parse([]byte(data)); err == nil || !strings.Contains(err.Error(), "not a valid lock file") {
			t.Errorf("%s: Parse error = %v, want 'not a valid lock file'", name, err)
		}
	}
	if _, err := Parse([]byte(`{"version":1,"note_types":{},"cards":{"a":{"hash":"h","mod":1,"type":"basic","topic":"t","question":"q"}},"retired":{}}`)); err != nil {
		t.Errorf("valid lock: %v", err)
	}
}
