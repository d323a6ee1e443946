package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestStrictTextWarnings checks the warnings that fail only under --strict:
// TeX that LaTeX rejects though MathJax renders it, and, in a deck that
// sets cjk_punctuation, half-width punctuation between Chinese characters.
func TestStrictTextWarnings(t *testing.T) {
	cjkConfig := strings.Replace(corpusConfig, "name = \"T\"\n", "name = \"T\"\ncjk_punctuation = true\n", 1)
	cases := []struct {
		name   string
		files  map[string]string
		strict int    // exit code of validate --strict
		want   string // a stderr line of validate, "" for none
	}{
		{"unbraced script macro",
			map[string]string{"cards/detection.toml": "[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = '''\n均值\n$$\nx = \\mu_\\mathcal{B}\n$$\n'''\n"},
			1, `cards/detection.toml:7:9: warning: card 'a' answer: formula $x = \mu_\mathcal{B}$: a subscript or superscript that is a command with arguments must be braced, as LaTeX requires: write {\mathcal{B}}`},
		{"braced script macro",
			map[string]string{"cards/detection.toml": "[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = '$\\mu_{\\mathcal{B}}$'\n"},
			0, ""},
		{"half-width comma in Chinese, check on",
			map[string]string{"config.toml": cjkConfig, "cards/detection.toml": "[[cards]]\nid = \"a\"\nquestion = \"问题\"\nanswer = '''\n第一行。\n背景很多,前景很少。\n'''\n"},
			1, `cards/detection.toml:6:5: warning: card 'a' answer: half-width ',' between Chinese characters; use the full-width mark (，)`},
		{"half-width comma in Chinese, check off",
			map[string]string{"cards/detection.toml": "[[cards]]\nid = \"a\"\nquestion = \"问题\"\nanswer = \"背景很多,前景很少。\"\n"},
			0, ""},
		{"declared note type field",
			map[string]string{
				"notetypes/vocab.toml": "id = 1342697561419\nname = \"Vocab\"\n\n[[fields]]\nname = \"Word\"\n\n[[fields]]\nname = \"Meaning\"\n\n[[templates]]\nname = \"R\"\nfront = \"{{Word}}\"\nback = \"{{Meaning}}\"\n",
				"cards/detection.toml": "[[cards]]\nid = \"a\"\ntype = \"vocab\"\n[cards.fields]\nWord = \"x\"\nMeaning = '''\n含义\n$\\sigma_\\mathcal{B}$\n'''\n",
			},
			1, `cards/detection.toml:8:9: warning: card 'a' fields.Meaning: formula $\sigma_\mathcal{B}$`},
		{"half-width marks in code and math, check on",
			map[string]string{"config.toml": cjkConfig, "cards/detection.toml": "[[cards]]\nid = \"a\"\nquestion = \"问题\"\nanswer = '''\n代码 `中,文` 和 $中,文$：都不算。\n\n```python\nprint(\"中,文\")\n```\n'''\n"},
			0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := corpusDir(t, tc.files)
			var stdout, stderr bytes.Buffer
			if code := runIn(t, dir, []string{"validate", "--no-cache"}, &stdout, &stderr); code != 0 {
				t.Fatalf("validate: exit code %d, want 0 (warnings only)\n%s", code, stderr.String())
			}
			stderr.Reset()
			if code := runIn(t, dir, []string{"validate", "--strict", "--no-cache"}, &stdout, &stderr); code != tc.strict {
				t.Fatalf("validate --strict: exit code %d, want %d\n%s", code, tc.strict, stderr.String())
			}
			if tc.want != "" && !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("validate --strict: no line containing %q\n%s", tc.want, stderr.String())
			}
		})
	}
}
