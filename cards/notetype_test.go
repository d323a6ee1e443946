package cards

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const vocabType = `id = 1342697561419
name = "Japanese (recognition)"
sort_field = "Meaning"
css = ".card { font-size: 24px; }"

[[fields]]
name = "Word"
required = true

[[fields]]
name = "Reading"

[[fields]]
name = "Meaning"

[[templates]]
name = "Recognition"
front = "{{Word}}"
back = """{{FrontSide}}<hr id=answer>
{{#Reading}}{{furigana:Reading}}{{/Reading}}
{{Meaning}}"""

[[templates]]
name = "Recall"
front = "{{^Meaning}}?{{/Meaning}}{{Meaning}} {{Tags}} {{Deck}}"
back = "{{FrontSide}}<hr id=answer>{{Word}}"
`

const clozeType = `id = 1342697561420
name = "Cloze+"
kind = "cloze"

[[fields]]
name = "Text"

[[fields]]
name = "Back Extra"

[[templates]]
name = "Cloze"
front = "{{cloze:Text}}"
back = "{{cloze:Text}}<br>{{Back Extra}}"
`

func TestLoadDeclaredNoteTypes(t *testing.T) {
	cfg := writeSet(t, map[string]string{
		"notetypes/vocab.toml":      vocabType,
		"notetypes/cloze-plus.toml": clozeType,
		"cards/detection.toml": `
[[cards]]
id = "neko"
type = "vocab"
guid = "f~3Kx#9!Ab"
[cards.fields]
Word = "猫"
Meaning = "cat"

[[cards]]
id = "cl"
type = "cloze-plus"
fields = { Text = "{{c1::ROIAlign}} 用双线性插值", "Back Extra" = "见 Mask R-CNN" }

[[cards]]
id = "plain"
question = "q"
answer = "a"
`,
	})
	deck, ds := Load(cfg)
	if len(ds) != 0 {
		t.Fatalf("unexpected diagnostics: %v", diagLines(cfg, ds))
	}
	nts := deck.Config.NoteTypes
	if len(nts) != 2 || nts[0].Slug != "cloze-plus" || nts[1].Slug != "vocab" {
		t.Fatalf("note types = %v, want cloze-plus and vocab in slug order", nts)
	}
	v := nts[1]
	if v.ID != 1342697561419 || v.Name != "Japanese (recognition)" || v.Cloze || v.SortField != 2 || len(v.Templates) != 2 {
		t.Errorf("vocab = %+v", v)
	}
	if diff := cmp.Diff([]string{"Text"}, nts[0].ClozeFields()); diff != "" || !nts[0].Cloze {
		t.Errorf("cloze fields (-want +got):\n%s", diff)
	}
	neko := deck.Cards[0]
	if neko.NoteType != v || neko.GUID != "f~3Kx#9!Ab" {
		t.Errorf("neko: note type %v, guid %q", neko.NoteType, neko.GUID)
	}
	if diff := cmp.Diff([]string{"猫", "", "cat"}, neko.Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if got := neko.LineOf("fields.Meaning"); got != 8 {
		t.Errorf("line of Meaning = %d, want 8", got)
	}
	if diff := cmp.Diff([]string{"{{c1::ROIAlign}} 用双线性插值", "见 Mask R-CNN"}, deck.Cards[1].Fields); diff != "" {
		t.Errorf("cloze fields (-want +got):\n%s", diff)
	}
	if deck.Cards[2].NoteType != nil || deck.Cards[2].Fields != nil {
		t.Errorf("built-in card has declared fields")
	}
}

func TestNoteTypeErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{{
		name: "template names a missing field",
		files: map[string]string{"notetypes/v.toml": `id = 5
name = "V"
[[fields]]
name = "Word"
[[templates]]
name = "C1"
front = "{{Word}}"
back = """{{FrontSide}}
{{text:Meening}}"""
`},
		want: []string{`notetypes/v.toml:9: error: template 'C1' names field 'Meening', which the note type does not have; known: 'Word'`},
	}, {
		name: "two note types with one id",
		files: map[string]string{
			"notetypes/a.toml": "id = 7\nname = \"A\"\n[[fields]]\nname = \"F\"\n[[templates]]\nname = \"T\"\nfront = \"{{F}}\"\n",
			"notetypes/b.toml": "name = \"B\"\nid = 7\n[[fields]]\nname = \"F\"\n[[templates]]\nname = \"T\"\nfront = \"{{F}}\"\n",
		},
		want: []string{`notetypes/b.toml:2: error: note type id 7 is already used by notetypes/a.toml; every note type needs its own id`},
	}, {
		name: "duplicate field, missing id and name, bad kind",
		files: map[string]string{"notetypes/x.toml": `kind = "fancy"
[[fields]]
name = "F"
[[fields]]
name = "F"
[[templates]]
name = "T"
front = "{{F}}"
`},
		want: []string{
			`notetypes/x.toml:1: error: note type id is missing or not positive: set id to the note type's Anki id (a positive integer, fixed forever)`,
			`notetypes/x.toml:1: error: note type name is missing: set name to the note type's name in Anki`,
			`notetypes/x.toml:1: error: note type kind 'fancy' is unknown; use "standard" or "cloze"`,
			`notetypes/x.toml:5: error: field 'F' is declared twice`,
		},
	}, {
		name: "cloze type without cloze filter",
		files: map[string]string{"notetypes/c.toml": `id = 3
name = "C"
kind = "cloze"
[[fields]]
name = "Text"
[[templates]]
name = "Cloze"
front = "{{Text}}"
`},
		want: []string{`notetypes/c.toml:8: error: cloze note type 'c': the front of template 'Cloze' has no {{cloze:Field}}; Anki would make no cards`},
	}, {
		name: "slug of a built-in type, unknown key",
		files: map[string]string{"notetypes/basic.toml": `id = 3
name = "B"
colour = "red"
[[fields]]
name = "F"
[[templates]]
name = "T"
front = "{{F}}"
`},
		want: []string{
			`notetypes/basic.toml: error: note type 'basic' has the name of a built-in card type; rename the file`,
			`notetypes/basic.toml:3: error: unknown key 'colour'; known: 'id', 'name', 'kind', 'sort_field', 'css', 'latex_pre', 'latex_post', 'fields', 'templates'`,
		},
	}, {
		name: "card errors",
		files: map[string]string{
			"notetypes/vocab.toml":      vocabType,
			"notetypes/cloze-plus.toml": clozeType,
			"cards/detection.toml": `
[[cards]]
id = "a"
type = "vocab"
question = "q"
[cards.fields]
Word = "猫"
Meening = "cat"

[[cards]]
id = "b"
type = "vocab"
fields = { Meaning = "dog" }

[[cards]]
id = "c"
type = "cloze-plus"
fields = { Text = "no deletion here" }

[[cards]]
id = "d"
type = "vocba"
question = "q"

[[cards]]
id = "e"
question = "q"
answer = "a"
fields = { Word = "x" }
`},
		want: []string{
			`cards/detection.toml:5: error: card 'a' is of note type 'vocab', which takes its content in a fields table, not 'question': write fields = { Word = "…" } (fields: 'Word', 'Reading', 'Meaning')`,
			`cards/detection.toml:8: error: card 'a': note type 'vocab' has no field 'Meening'; did you mean 'Meaning'?`,
			`cards/detection.toml:13: error: card 'b' misses the required field 'Word' of note type 'vocab'`,
			`cards/detection.toml:18: error: cloze card 'c' has no deletion: mark the hidden text as {{c1::…}} in field 'Text'`,
			`cards/detection.toml:22: error: unknown card type 'vocba'; did you mean 'vocab'?`,
			`cards/detection.toml:29: error: card 'e' is of the built-in type 'basic', which has no fields table: write question, answer and extra, or set type to a declared note type`,
		},
	}, {
		name: "guid checks",
		files: map[string]string{"cards/detection.toml": `
[[cards]]
id = "a"
question = "q"
answer = "a"
guid = "has space"

[[cards]]
id = "b"
question = "q"
answer = "a"
guid = "Xy1"

[[cards]]
id = "c"
question = "q"
answer = "a"
guid = "Xy1"

[[cards]]
id = "d"
question = "q"
answer = "a"
guid = "` + GUID("test-ns", "e") + `"

[[cards]]
id = "e"
question = "q"
answer = "a"
`},
		want: []string{
			`cards/detection.toml:6: error: guid "has space" of card 'a' is not an Anki GUID: use 1 to 64 printable ASCII characters without spaces, as Anki shows it`,
			`cards/detection.toml:18: error: duplicate guid 'Xy1': card 'b' at cards/detection.toml:8 has it too; a GUID is one note's identity`,
			`cards/detection.toml:24: error: guid '` + GUID("test-ns", "e") + `' of card 'd' is the GUID card 'e' (cards/detection.toml:26) derives from its id; two notes cannot share a GUID: give one of them another guid`,
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := tt.files
			if _, ok := files["cards/detection.toml"]; !ok {
				files["cards/detection.toml"] = goodDetection
			}
			cfg := writeSet(t, files)
			deck, ds := Load(cfg)
			if deck != nil {
				t.Errorf("deck loaded despite errors")
			}
			if diff := cmp.Diff(tt.want, diagLines(cfg, ds)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTemplateRefs(t *testing.T) {
	refs := TemplateRefs("{{ Word }}\n{{#Reading}}{{furigana:Reading}}{{/Reading}}{{^X}}{{cloze:text:Text}}{{tts en_US voices=A:Word}}")
	type r struct {
		Field   string
		Section byte
		Cloze   bool
		Line    int
	}
	var got []r
	for _, x := range refs {
		got = append(got, r{x.Field, x.Section, x.Cloze(), x.Line})
	}
	want := []r{{"Word", 0, false, 1}, {"Reading", '#', false, 2}, {"Reading", 0, false, 2}, {"Reading", '/', false, 2},
		{"X", '^', false, 2}, {"Text", 0, true, 2}, {"Word", 0, false, 2}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("refs (-want +got):\n%s", diff)
	}
}
