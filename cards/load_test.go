package cards

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const testConfig = `
[deck]
id = "t"
namespace = "test-ns"
name = "Test Deck"

[[topics]]
id = "detection"
name = "检测"

[[topics]]
id = "normalization"
name = "归一化"

[[topics]]
id = "optimization"
name = "优化"
`

// writeSet writes config.toml and the given card files into a temp dir and returns the config path.
func writeSet(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if _, ok := files["config.toml"]; !ok {
		files["config.toml"] = testConfig
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "cards"), 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "config.toml")
}

// diagLines renders diagnostics with the temp dir stripped, for exact comparison.
func diagLines(configPath string, ds Diagnostics) []string {
	dir := filepath.Dir(configPath) + string(filepath.Separator)
	var out []string
	for _, d := range ds {
		out = append(out, strings.ReplaceAll(d.String(), dir, ""))
	}
	return out
}

const goodDetection = `
[[cards]]
id = "focal-loss"
tags = ["loss"]
question = "Focal Loss 解决什么问题?"
answer = "类别不平衡。"

[[cards]]
id = "roi-align"
question = "ROIAlign?"
answer = "双线性插值。"
`

const goodNormalization = `
[[cards]]
id = "batchnorm"
tags = ["bn"]
question = "BatchNorm?"
answer = "$\\hat{x}$"

[[cards]]
id = "conv-bn-fusion"
topics = ["optimization"]
tags = ["bn", "inference"]
question = "Conv+BN 融合?"
answer = "折叠。"
`

func TestLoadGoodSet(t *testing.T) {
	cfg := writeSet(t, map[string]string{
		"cards/normalization.toml": goodNormalization,
		"cards/detection.toml":     goodDetection,
	})
	deck, ds := Load(cfg)
	if len(ds) != 0 {
		t.Fatalf("unexpected diagnostics: %v", diagLines(cfg, ds))
	}
	var ids []string
	for _, c := range deck.Cards {
		ids = append(ids, c.ID)
	}
	// Set order: topics in config order (detection before normalization), then file order.
	want := []string{"focal-loss", "roi-align", "batchnorm", "conv-bn-fusion"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("card order (-want +got):\n%s", diff)
	}
	fusion := deck.Cards[3]
	if diff := cmp.Diff([]string{"normalization", "optimization"}, fusion.Topics); diff != "" {
		t.Errorf("topics (-want +got):\n%s", diff)
	}
	if fusion.Line != 8 || !strings.HasSuffix(fusion.File, "normalization.toml") {
		t.Errorf("location = %s:%d, want normalization.toml:8", fusion.File, fusion.Line)
	}
	if fusion.Type != Basic {
		t.Errorf("default type = %q, want basic", fusion.Type)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{{
		name: "toml syntax error",
		files: map[string]string{"cards/detection.toml": `
[[cards]]
id = "a"
question = "unclosed
`},
		want: []string{`cards/detection.toml:4:21: error: TOML: strings cannot contain newlines (at key 'cards.question')`},
	}, {
		name: "unknown key with suggestion",
		files: map[string]string{"cards/detection.toml": `
[[cards]]
id = "a"
question = "q"
anwser = "x"
`},
		want: []string{
			"cards/detection.toml:2: warning: card 'a' has no answer yet",
			"cards/detection.toml:5: error: unknown key 'anwser'; did you mean 'answer'?",
		},
	}, {
		name: "duplicate id across files",
		files: map[string]string{
			"cards/detection.toml":     "[[cards]]\nid = \"same\"\nquestion = \"q\"\nanswer = \"a\"\n",
			"cards/normalization.toml": "\n\n[[cards]]\nquestion = \"q\"\nid = \"same\"\nanswer = \"a\"\n",
		},
		want: []string{"cards/normalization.toml:5: error: duplicate id 'same': also used at " +
			"cards/detection.toml:2; every id must be unique across the whole set: give this card a new id"},
	}, {
		name:  "id not a slug",
		files: map[string]string{"cards/detection.toml": "[[cards]]\nid = \"Focal_Loss\"\nquestion = \"q\"\nanswer = \"a\"\n"},
		want: []string{"cards/detection.toml:2: error: id 'Focal_Loss' is not a slug: use lowercase letters, " +
			"digits and single '-', e.g. 'focal-loss'"},
	}, {
		name:  "unknown card topic with suggestion",
		files: map[string]string{"cards/detection.toml": "[[cards]]\nid = \"a\"\ntopics = [\"normalisation\"]\nquestion = \"q\"\nanswer = \"a\"\n"},
		want:  []string{"cards/detection.toml:3: error: card 'a' names unknown topic 'normalisation'; did you mean 'normalization'?"},
	}, {
		name:  "unknown file topic",
		files: map[string]string{"cards/detect.toml": "[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = \"a\"\n"},
		want: []string{"cards/detect.toml: error: unknown topic 'detect'; did you mean 'detection'?; " +
			"set topic = \"…\" at the top of the file or rename the file"},
	}, {
		name:  "empty question",
		files: map[string]string{"cards/detection.toml": "[[cards]]\nid = \"a\"\nquestion = \"  \"\nanswer = \"a\"\n"},
		want:  []string{"cards/detection.toml:3: error: card 'a' has an empty question"},
	}, {
		name:  "cloze without deletion",
		files: map[string]string{"cards/detection.toml": "[[cards]]\nid = \"a\"\ntype = \"cloze\"\nquestion = \"no deletion here\"\n"},
		want:  []string{"cards/detection.toml:4: error: cloze card 'a' has no deletion: mark the hidden text as {{c1::…}} in the question"},
	}, {
		name:  "missing media",
		files: map[string]string{"cards/detection.toml": "[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = \"see ![fig](media/roi.png)\"\n"},
		want:  []string{"cards/detection.toml:4: error: card 'a': image 'media/roi.png' not found (looked for cards/media/roi.png)"},
	}, {
		name:  "media escaping the cards folder",
		files: map[string]string{"cards/detection.toml": "[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = \"![x](../config.toml)\"\n"},
		want:  []string{"cards/detection.toml:4: error: card 'a': image '../config.toml' points outside the cards folder; keep media under cards"},
	}, {
		name:  "unknown type",
		files: map[string]string{"cards/detection.toml": "[[cards]]\nid = \"a\"\ntype = \"basik\"\nquestion = \"q\"\nanswer = \"a\"\n"},
		want:  []string{"cards/detection.toml:3: error: unknown card type 'basik'; did you mean 'basic'?"},
	}, {
		name:  "tag with a space",
		files: map[string]string{"cards/detection.toml": "[[cards]]\nid = \"a\"\ntags = [\"focal loss\"]\nquestion = \"q\"\nanswer = \"a\"\n"},
		want: []string{`cards/detection.toml:3: error: tag "focal loss" of card 'a' cannot be used: it contains the space U+0020; ` +
			"Anki splits tags on spaces: use '-' or '::' instead"},
	}, {
		name:  "no cards at all",
		files: map[string]string{"cards/detection.toml": "topic = \"detection\"\n"},
		want:  []string{"cards: error: the question set has no cards: add [[cards]] tables to a topic file"},
	}, {
		name: "every error at once",
		files: map[string]string{
			"cards/detection.toml":     "[[cards]]\nid = \"Bad Id\"\nquestion = \"q\"\nanswer = \"a\"\n",
			"cards/normalization.toml": "[[cards]]\nid = \"b\"\nquestion = \"\"\nanswer = \"a\"\nextar = \"x\"\n",
		},
		want: []string{
			"cards/detection.toml:2: error: id 'Bad Id' is not a slug: use lowercase letters, digits and single '-', e.g. 'bad-id'",
			"cards/normalization.toml:3: error: card 'b' has an empty question",
			"cards/normalization.toml:5: error: unknown key 'extar'; did you mean 'extra'?",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := writeSet(t, tt.files)
			deck, ds := Load(cfg)
			got := diagLines(cfg, ds)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			if errs, _ := ds.Count(); errs > 0 && deck != nil {
				t.Errorf("deck returned despite errors")
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	cfg := writeSet(t, map[string]string{"config.toml": `
[deck]
id = "t"
name = "T"
nmae = "x"

[[topics]]
id = "detection"
name = "检测"

[[targets]]
name = "det"
topics = ["detections"]
`})
	_, ds := LoadConfig(cfg)
	want := []string{
		"config.toml:5: error: unknown key 'deck.nmae'; did you mean 'name'?",
		"config.toml:2: error: [deck] namespace is missing: set it once (e.g. namespace = \"t\") and never change it, it seeds every card's identity",
		"config.toml:11: error: target 'det' names unknown topic 'detections'; did you mean 'detection'?",
	}
	if diff := cmp.Diff(want, diagLines(cfg, ds)); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

func TestStrictWarnings(t *testing.T) {
	cfg := writeSet(t, map[string]string{"cards/detection.toml": "[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = \"\"\n"})
	deck, ds := Load(cfg)
	if deck == nil {
		t.Fatalf("an empty answer must not fail a normal load: %v", ds)
	}
	if ds.Err(false) != nil {
		t.Errorf("non-strict: want no error, got %v", ds.Err(false))
	}
	err := ds.Err(true)
	if err == nil || !strings.Contains(err.Error(), "card 'a' has no answer yet") {
		t.Errorf("strict: want the empty-answer warning as an error, got %v", err)
	}
}

func TestMediaResolved(t *testing.T) {
	cfg := writeSet(t, map[string]string{
		"cards/detection.toml": "[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = '''![fig](media/roi.png) <img src=\"media/roi.png\">'''\n",
		"cards/media/roi.png":  "\x89PNG fake",
	})
	deck, ds := Load(cfg)
	if deck == nil {
		t.Fatalf("load failed: %v", diagLines(cfg, ds))
	}
	m := deck.Cards[0].Media
	if len(m) != 1 || m[0].Ref != "media/roi.png" || filepath.Base(m[0].Path) != "roi.png" {
		t.Errorf("media = %+v, want one resolved media/roi.png", m)
	}
}
