package lock

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAdditionalTopicsAreRecorded(t *testing.T) {
	multi := state("a", "h1")
	multi.Topics = []string{"training", "optimization"}
	l, _ := New().Update([]CardState{multi, state("b", "h2")}, nts, 1000)
	if got := l.Cards["a"].Topics; got != "training,optimization" {
		t.Errorf("topics = %q, want training,optimization", got)
	}
	out := string(l.Marshal())
	if !strings.Contains(out, `"question":"Q a","topics":"training,optimization"}`) {
		t.Errorf("the entry of a card with additional topics lacks them:\n%s", out)
	}
	if !strings.Contains(out, `"question":"Q b"}`) {
		t.Errorf("a card without additional topics has a topics key:\n%s", out)
	}
	back, err := Parse(l.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if !back.Equal(l) {
		t.Errorf("round trip changed the lock:\n%s", back.Marshal())
	}
}

// A lock written before topics were recorded still loads; the next build
// records them as a move, keeping every mod.
func TestLockWithoutTopicsStillLoads(t *testing.T) {
	old := `{
  "version": 1,
  "note_types": {"basic": {"hash":"nb","mod":1000}, "cloze": {"hash":"nc","mod":1000}},
  "cards": {"a": {"hash":"h1","mod":1000,"type":"basic","topic":"detection","question":"Q a"}},
  "retired": {}
}
`
	l, err := Parse([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	cs := state("a", "h1")
	cs.Topics = []string{"training"}
	next, changes := l.Update([]CardState{cs}, nts, 2000)
	if d := cmp.Diff([]Change{{"a", Moved}}, changes); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
	if got := next.Cards["a"]; got.Mod != 1000 || got.Topics != "training" {
		t.Errorf("entry = %+v, want mod 1000 and topics training", got)
	}
	if _, changes := next.Update([]CardState{cs}, nts, 3000); len(changes) != 0 {
		t.Errorf("second update changed %v", changes)
	}
}
