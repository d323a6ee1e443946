package ankinote

import (
	"testing"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/google/go-cmp/cmp"
)

// The values pinned here are the update contract with every learner who has
// imported the deck (docs/anki.md): a change to any of them is a breaking change.
func TestIdentityIsPinned(t *testing.T) {
	cfg := &cards.Config{Deck: cards.DeckConfig{Namespace: "cv-interview", Name: "CV 面试题"},
		Topics: []cards.Topic{{ID: "detection", Name: "目标检测"}}}
	want := map[cards.Type]int64{cards.Basic: 1612949467, cards.Reversed: 1234530521, cards.Cloze: 2019396463}
	for typ, id := range want {
		if got := For(cfg, typ).ID; got != id {
			t.Errorf("note type id of %s = %d, want %d", typ, got, id)
		}
	}
	if diff := cmp.Diff([]string{"ID", "Question", "Answer", "Extra", "Source"}, For(cfg, cards.Basic).Fields); diff != "" {
		t.Errorf("basic fields changed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ID", "Text", "Extra", "Source"}, For(cfg, cards.Cloze).Fields); diff != "" {
		t.Errorf("cloze fields changed (-want +got):\n%s", diff)
	}
	if got := DeckName(cfg, "detection"); got != "CV 面试题::目标检测" {
		t.Errorf("deck name = %q", got)
	}
}

func TestNoteIDIsAPastMillisecondTimestamp(t *testing.T) {
	for _, id := range []string{"a", "batchnorm", "focal-loss-vs-ohem"} {
		n := NoteID("cv-interview", id)
		// 2001-09-09 .. 2017-07-14 in milliseconds: never renumbered by Anki (anki-format.md §2.5).
		if n < 1_000_000_000_000 || n >= 1_500_000_000_000 || n%1000 != 0 {
			t.Errorf("NoteID(%q) = %d, outside the safe range", id, n)
		}
	}
}

func TestTagsAndValues(t *testing.T) {
	c := &cards.Card{ID: "x", Type: cards.Cloze, Source: "Q<1>", Topics: []string{"detection", "training"}, Tags: []string{"loss"}}
	if diff := cmp.Diff([]string{"loss", "topic::detection", "topic::training"}, Tags(c)); diff != "" {
		t.Error(diff)
	}
	got := Values(c, exporters.Fields{Question: `<p>{{c1::a}} <img src="m/a.png"></p>`, Answer: "<p>ans</p>", Extra: "<p>ex</p>"},
		map[string]string{"m/a.png": "cv-0123.png"})
	want := []string{"x", `<p>{{c1::a}} <img src="cv-0123.png"></p>`, "<p>ans</p>\n<p>ex</p>", "Q&lt;1&gt;"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cloze values (-want +got):\n%s", diff)
	}
}

// TestDeckNamesAreOneLine: a deck or topic name with line breaks or other
// control characters from config.toml gives a one-line Anki deck name.
func TestDeckNamesAreOneLine(t *testing.T) {
	cfg := &cards.Config{Deck: cards.DeckConfig{Namespace: "n", Name: "CV\r\n面试题"},
		Topics: []cards.Topic{{ID: "detection", Name: "目标\n检测\x1f\x00"}}}
	if got := DeckName(cfg, "detection"); got != "CV  面试题::目标 检测" {
		t.Errorf("deck name = %q", got)
	}
	// Every field is HTML, the ID too.
	if got := Values(&cards.Card{ID: `a"<b>`, Type: cards.Basic}, exporters.Fields{}, nil)[0]; got != "a&#34;&lt;b&gt;" {
		t.Errorf("ID field = %q", got)
	}
}
