package cards

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func loadGood(t *testing.T) *Deck {
	t.Helper()
	cfg := writeSet(t, map[string]string{
		"cards/normalization.toml": goodNormalization,
		"cards/detection.toml":     goodDetection,
	})
	deck, ds := Load(cfg)
	if deck == nil {
		t.Fatalf("load: %v", ds)
	}
	return deck
}

func ids(d *Deck) []string {
	out := []string{}
	for _, c := range d.Cards {
		out = append(out, c.ID)
	}
	return out
}

func TestFilter(t *testing.T) {
	deck := loadGood(t)
	tests := []struct {
		name string
		f    Filter
		want []string
	}{
		{"zero keeps all", Filter{}, []string{"focal-loss", "roi-align", "batchnorm", "conv-bn-fusion"}},
		{"primary topic", Filter{Topics: []string{"normalization"}}, []string{"batchnorm", "conv-bn-fusion"}},
		{"additional topic", Filter{Topics: []string{"optimization"}}, []string{"conv-bn-fusion"}},
		{"topics are a union", Filter{Topics: []string{"detection", "optimization"}}, []string{"focal-loss", "roi-align", "conv-bn-fusion"}},
		{"exclude by any topic", Filter{ExcludeTopics: []string{"optimization"}}, []string{"focal-loss", "roi-align", "batchnorm"}},
		{"tags are a union", Filter{Tags: []string{"loss", "inference"}}, []string{"focal-loss", "conv-bn-fusion"}},
		{"lists intersect", Filter{Topics: []string{"normalization"}, Tags: []string{"inference"}}, []string{"conv-bn-fusion"}},
		{"nothing matches", Filter{Tags: []string{"nope"}}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ids(deck.Filter(tt.f))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestFilterKeepsIdentity(t *testing.T) {
	deck := loadGood(t)
	full := map[string]string{}
	for _, c := range deck.Cards {
		full[c.ID] = GUID(deck.Config.Deck.Namespace, c.ID)
	}
	sub := deck.Filter(Filter{Topics: []string{"optimization"}})
	for _, c := range sub.Cards {
		if got := GUID(sub.Config.Deck.Namespace, c.ID); got != full[c.ID] {
			t.Errorf("%s: GUID %s in subset, %s in full deck", c.ID, got, full[c.ID])
		}
	}
}

func TestFilterCheck(t *testing.T) {
	deck := loadGood(t)
	err := Filter{Topics: []string{"detecton"}}.Check(deck.Config)
	if err == nil || err.Error() != "unknown topic 'detecton'; did you mean 'detection'?" {
		t.Errorf("Check = %v", err)
	}
}

func TestGUID(t *testing.T) {
	// The GUID is part of the contract with learners: it must never change for a given namespace and id.
	// Pinned: base62 of the first 8 bytes of sha256("cv-interview\x00batchnorm"), computed independently.
	if got := GUID("cv-interview", "batchnorm"); got != "LNmwI3Z5cGm" {
		t.Fatalf("GUID changed: %q", got)
	}
	if GUID("a", "x") == GUID("b", "x") || GUID("a", "x") == GUID("a", "y") {
		t.Error("GUID ignores namespace or id")
	}
	for _, r := range GUID("cv-interview", "focal-loss-vs-ohem") {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			t.Errorf("GUID has non-alphanumeric %q", r)
		}
	}
}

func TestClozeNumbers(t *testing.T) {
	got := ClozeNumbers("{{c2::a}} {{c1::b}} {{c2::c}} {{c10::d}}")
	if diff := cmp.Diff([]int{1, 2, 10}, got); diff != "" {
		t.Error(diff)
	}
}
