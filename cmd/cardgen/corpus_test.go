package main

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const corpusConfig = `[deck]
id = "t"
namespace = "t"
name = "T"

[output]
formats = ["csv-plain"]

[[topics]]
id = "detection"
name = "检测"

[[topics]]
id = "normalization"
name = "归一化"
`

const corpusCard = "[[cards]]\nid = \"ok\"\nquestion = \"q\"\nanswer = \"a\"\n"

// corpusCase is one bad input: files replace or add to a minimal valid set.
type corpusCase struct {
	name  string
	files map[string]string
	// want matches a line of stderr; it must name the file (and line where one exists).
	want string
}

// TestRejectedInputs runs `cardgen validate` on inputs that must be rejected
// with exit code 1, a message naming the file (and line), and no panic.
func TestRejectedInputs(t *testing.T) {
	card := func(body string, more ...string) map[string]string {
		files := map[string]string{"cards/detection.toml": body}
		for _, name := range more {
			files[name] = "\x89PNG"
		}
		return files
	}
	cases := []corpusCase{
		// TOML syntax, every kind.
		{"unclosed basic string", card("[[cards]]\nid = \"a\nquestion = \"q\"\n"), `^cards/detection.toml:2:\d+: error: TOML: `},
		{"unclosed multi-line string", card("[[cards]]\nid = \"a\"\nquestion = \"\"\"q\n"), `^cards/detection.toml:\d+:\d+: error: TOML: `},
		{"unclosed literal string", card("[[cards]]\nid = 'a\n"), `^cards/detection.toml:2:\d+: error: TOML: `},
		{"bad escape", card("[[cards]]\nid = \"a\"\nquestion = \"\\q\"\n"), `^cards/detection.toml:3:\d+: error: TOML: .*escape`},
		{"bad unicode escape", card("[[cards]]\nid = \"a\"\nquestion = \"\\uZZZZ\"\n"), `^cards/detection.toml:3:\d+: error: TOML: `},
		{"duplicate key", card("[[cards]]\nid = \"a\"\nid = \"b\"\nquestion = \"q\"\n"), `^cards/detection.toml:3:\d+: error: TOML: .*already been defined`},
		{"duplicate table", card("[deck]\n[deck]\n"), `^cards/detection.toml:2:\d+: error: TOML: `},
		{"missing value", card("[[cards]]\nid =\n"), `^cards/detection.toml:2:\d+: error: TOML: `},
		{"missing equals", card("[[cards]]\nid \"a\"\n"), `^cards/detection.toml:2:\d+: error: TOML: `},
		{"unclosed array", card("[[cards]]\nid = \"a\"\ntags = [\"x\"\nquestion = \"q\"\n"), `^cards/detection.toml:\d+:\d+: error: TOML: `},
		{"unclosed table header", card("[[cards]\nid = \"a\"\n"), `^cards/detection.toml:2:\d+: error: TOML: expected end of table array name`},
		{"wrong type: number id", card("[[cards]]\nid = 5\nquestion = \"q\"\n"), `^cards/detection.toml:2: error: TOML: 'id' has the wrong type: found a number; expected a string$`},
		{"wrong type: string tags", card("[[cards]]\nid = \"a\"\ntags = \"x\"\nquestion = \"q\"\n"), `^cards/detection.toml:3: error: TOML: 'tags' has the wrong type: found a string; expected an array of strings$`},
		{"array where table belongs", card("cards = [\"a\"]\n"), `^cards/detection.toml:1: error: TOML: 'cards' has the wrong type: expected \[\[cards\]\] tables, found a string$`},
		{"table where string belongs", card("[[cards]]\nid = \"a\"\n[cards.question]\nx = 1\n"), `^cards/detection.toml:3: error: TOML: 'question' has the wrong type: found a table; expected a string$`},
		{"key after value on one line", card("[[cards]]\nid = \"a\" question = \"q\"\n"), `^cards/detection.toml:2:\d+: error: TOML: `},
		// Not text.
		{"invalid UTF-8", card("[[cards]]\nid = \"a\"\nquestion = \"\xff\xfe\"\n"), `^cards/detection.toml:3: error: file is not valid UTF-8`},
		{"NUL byte", card("[[cards]]\nid = \"a\"\nquestion = \"q\x00\"\n"), `^cards/detection.toml:3: error: file contains a NUL byte`},
		{"invalid UTF-8 in config", map[string]string{"config.toml": corpusConfig + "# \xc3\x28\n"}, `^config.toml:\d+: error: file is not valid UTF-8`},
		// Structure.
		{"zero cards", map[string]string{"cards/detection.toml": "topic = \"detection\"\n"}, `^cards: error: the question set has no cards`},
		{"no topic files", map[string]string{"cards/detection.toml": "", "cards/detection.txt": "x"}, `^cards: error: the question set has no cards`},
		{"cloze without deletion", card("[[cards]]\nid = \"a\"\ntype = \"cloze\"\nquestion = \"plain\"\n"), `^cards/detection.toml:4: error: cloze card 'a' has no deletion`},
		{"cloze with malformed deletion", card("[[cards]]\nid = \"a\"\ntype = \"cloze\"\nquestion = \"{{c0::x}}\"\n"), `^cards/detection.toml:4: error: cloze card 'a' has no deletion`},
		{"duplicate ids across files", map[string]string{"cards/normalization.toml": corpusCard}, `^cards/normalization.toml:2: error: duplicate id 'ok': already used at cards/detection.toml:1`},
		{"duplicate ids in one file", card(corpusCard + corpusCard), `^cards/detection.toml:6: error: duplicate id 'ok'`},
		{"ids differing only by case", map[string]string{"cards/normalization.toml": "[[cards]]\nid = \"OK\"\nquestion = \"q\"\n"}, `^cards/normalization.toml:2: error: id 'OK' is not a slug`},
		{"id with underscore", card("[[cards]]\nid = \"a_b\"\nquestion = \"q\"\n"), `^cards/detection.toml:2: error: id 'a_b' is not a slug.*'a-b'`},
		{"id with double dash", card("[[cards]]\nid = \"a--b\"\nquestion = \"q\"\n"), `^cards/detection.toml:2: error: id 'a--b' is not a slug`},
		{"id in Chinese", card("[[cards]]\nid = \"批归一化\"\nquestion = \"q\"\n"), `^cards/detection.toml:2: error: id '批归一化' is not a slug`},
		{"missing id", card("[[cards]]\nquestion = \"q\"\n"), `^cards/detection.toml:1: error: card #1 has no id`},
		{"unknown card topic", card("[[cards]]\nid = \"a\"\ntopics = [\"detectoin\"]\nquestion = \"q\"\n"), `^cards/detection.toml:3: error: .*unknown topic 'detectoin'; did you mean 'detection'\?`},
		{"unknown file topic", map[string]string{"cards/segmentation.toml": corpusCard}, `^cards/segmentation.toml: error: unknown topic 'segmentation'`},
		{"tag with space", card("[[cards]]\nid = \"a\"\ntags = [\"a b\"]\nquestion = \"q\"\n"), `^cards/detection.toml:3: error: tag "a b"`},
		{"empty tag", card("[[cards]]\nid = \"a\"\ntags = [\"\"]\nquestion = \"q\"\n"), `^cards/detection.toml:3: error: tag ""`},
		{"unknown card type", card("[[cards]]\nid = \"a\"\ntype = \"qa\"\nquestion = \"q\"\n"), `^cards/detection.toml:3: error: unknown card type 'qa'`},
		{"unknown key", card("[[cards]]\nid = \"a\"\nquestoin = \"q\"\n"), `^cards/detection.toml:3: error: unknown key 'questoin'; did you mean 'question'\?`},
		{"empty question", card("[[cards]]\nid = \"a\"\nquestion = \"\"\n"), `^cards/detection.toml:3: error: card 'a' has an empty question`},
		// Media.
		{"missing media", card("[[cards]]\nid = \"a\"\nquestion = \"![x](m/none.png)\"\n"), `^cards/detection.toml:3: error: card 'a': image 'm/none.png' not found`},
		{"media escaping with ..", card("[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = \"![x](../../etc/passwd.png)\"\n"), `^cards/detection.toml:4: error: .*points outside the cards folder`},
		{"media absolute path", card("[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = \"![x](/etc/x.png)\"\n"), `^cards/detection.toml:4: error: .*absolute path`},
		{"media remote url", card("[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = \"![x](https://example.com/x.png)\"\n"), `^cards/detection.toml:4: error: .*not a local file`},
		{"media html img escaping", card("[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = '<img src=\"../x.png\">'\n"), `^cards/detection.toml:4: error: .*points outside the cards folder`},
		{"media wrong type", map[string]string{"cards/detection.toml": "[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = \"![x](m/run.sh)\"\n", "cards/m/run.sh": "#!/bin/sh"}, `^cards/detection.toml:4: error: card 'a': media 'm/run.sh' has an unsupported type`},
		{"media too large", map[string]string{"cards/detection.toml": "[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = \"![x](m/big.png)\"\n", "cards/m/big.png": strings.Repeat("x", 5<<20+1)}, `^cards/detection.toml:4: error: card 'a': media 'm/big.png' is 5242881 bytes`},
		// Hostile input: escapes that decode to Anki's field separator or NUL, tags Anki would split or cardgen owns.
		{"field separator escape in question", card("[[cards]]\nid = \"a\"\nquestion = \"x\\u001fy\"\n"), `^cards/detection.toml:3: error: card 'a': the question contains the control character U\+001F`},
		{"NUL escape in answer", card("[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = \"x\\u0000y\"\n"), `^cards/detection.toml:4: error: card 'a': the answer contains the control character U\+0000`},
		{"field separator escape in source", card("[[cards]]\nid = \"a\"\nquestion = \"q\"\nsource = \"s\\u001f\"\n"), `^cards/detection.toml:4: error: card 'a': the source contains the control character U\+001F`},
		{"field separator escape in extra", card("[[cards]]\nid = \"a\"\nquestion = \"q\"\nextra = \"\\u001f\"\n"), `^cards/detection.toml:4: error: card 'a': the extra contains`},
		{"field separator escape in tag", card("[[cards]]\nid = \"a\"\ntags = [\"x\\u001fy\"]\nquestion = \"q\"\n"), `^cards/detection.toml:3: error: tag .* cannot be used: it contains the control character U\+001F`},
		{"field separator escape in id", card("[[cards]]\nid = \"a\\u001f\"\nquestion = \"q\"\n"), `^cards/detection.toml:2: error: id .* is not a slug`},
		{"ideographic space in tag", card("[[cards]]\nid = \"a\"\ntags = [\"深度\u3000学习\"]\nquestion = \"q\"\n"), `^cards/detection.toml:3: error: tag .* it contains the space U\+3000`},
		{"no-break space in tag", card("[[cards]]\nid = \"a\"\ntags = [\"a\u00a0b\"]\nquestion = \"q\"\n"), `^cards/detection.toml:3: error: tag .* it contains the space U\+00A0`},
		{"zero-width space in tag", card("[[cards]]\nid = \"a\"\ntags = [\"a\u200bb\"]\nquestion = \"q\"\n"), `^cards/detection.toml:3: error: tag .* U\+200B`},
		{"reserved tag cardgen::", card("[[cards]]\nid = \"a\"\ntags = [\"cardgen::retired\"]\nquestion = \"q\"\n"), `^cards/detection.toml:3: error: tag "cardgen::retired" .* reserved`},
		{"reserved tag topic::", card("[[cards]]\nid = \"a\"\ntags = [\"Topic::pose\"]\nquestion = \"q\"\n"), `^cards/detection.toml:3: error: tag "Topic::pose" .* reserved`},
		// Bounded work: cloze numbers past Anki's limit, shapes that exhaust the TOML decoder.
		{"cloze number past int64", card("[[cards]]\nid = \"a\"\ntype = \"cloze\"\nquestion = \"{{c9223372036854775808::x}}\"\n"), `^cards/detection.toml:4: error: card 'a': cloze number c922337203685 is over Anki's limit of c500`},
		{"cloze number 501", card("[[cards]]\nid = \"a\"\ntype = \"cloze\"\nquestion = \"{{c1::a}} {{c501::x}}\"\n"), `^cards/detection.toml:4: error: card 'a': cloze number c501 is over`},
		{"32 KB of nested inline tables", card("x = " + strings.Repeat("{a=", 8000) + strings.Repeat("}", 8000) + "\n"), `^cards/detection.toml:1: error: arrays or inline tables nested more than 16 deep`},
		{"10 MB of nested arrays", card("x = " + strings.Repeat("[", 10<<20) + "\n"), `^cards/detection.toml:1: error: arrays or inline tables nested more than 16 deep`},
		{"60 KB dotted key", card(corpusCard + "\n" + strings.Repeat("a.", 30000) + "a = 1\n"), `^cards/detection.toml:6: error: a key with more than 16 dotted parts`},
		{"60 KB quoted dotted key", card(strings.Repeat("\"a\".", 20000) + "a = 1\n"), `^cards/detection.toml:1: error: a key with more than 16 dotted parts`},
		{"dotted table header", card("[" + strings.Repeat("a.", 5000) + "a]\n"), `^cards/detection.toml:1: error: a key with more than 16 dotted parts`},
		{"60 KB bare key", card(strings.Repeat("k", 60000) + " = 1\n"), `^cards/detection.toml:1: error: a key or value of more than 1024 characters outside quotes`},
		{"nested arrays in config", map[string]string{"config.toml": corpusConfig + "x = " + strings.Repeat("[", 100000) + "\n"}, `^config.toml:\d+: error: arrays or inline tables nested more than 16 deep`},
		// Remote images in every form Markdown and HTML allow: found in the rendered HTML.
		{"remote image by reference", card("[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = '''\n![x][ref]\n\n[ref]: https://e.com/x.png\n'''\n"), `^cards/detection.toml:4: error: card 'a': the answer loads "https://e.com/x.png" from outside the deck`},
		{"remote image, title in single quotes", card("[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = \"![x](https://e.com/x.png 't')\"\n"), `^cards/detection.toml:4: error: card 'a': the answer loads "https://e.com/x.png"`},
		{"remote image, title in parentheses", card("[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = \"![x](https://e.com/x.png (t))\"\n"), `^cards/detection.toml:4: error: card 'a': the answer loads "https://e.com/x.png"`},
		{"remote image, nested brackets", card("[[cards]]\nid = \"a\"\nquestion = \"![a [b] c](https://e.com/x.png)\"\n"), `^cards/detection.toml:3: error: card 'a': the question loads "https://e.com/x.png"`},
		{"remote image, unquoted src", card("[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = \"<img src=https://e.com/x.png>\"\n"), `^cards/detection.toml:4: error: card 'a': the answer loads "https://e.com/x.png"`},
		{"remote image, protocol-relative unquoted", card("[[cards]]\nid = \"a\"\nquestion = \"q\"\nextra = \"<IMG SRC=//e.com/x.png>\"\n"), `^cards/detection.toml:4: error: card 'a': the extra loads "//e.com/x.png"`},
		{"remote image, reference with angle brackets", card("[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = '''\n![x][r]\n\n[r]: <//e.com/x.png> \"t\"\n'''\n"), `^cards/detection.toml:4: error: card 'a': the answer loads "//e.com/x.png"`},
		{"local image by reference", card("[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = '''\n![x][r]\n\n[r]: m/x.png\n'''\n", "cards/m/x.png"), `^cards/detection.toml:4: error: card 'a': the answer shows image "m/x.png", which would not be packaged`},
		// Diagnostics never pass terminal escapes or carriage returns through.
		{"terminal escape in id", card("[[cards]]\nid = \"a\\u001b]0;pwned\\u0007\\u001b[2J\"\nquestion = \"q\"\n"), `^cards/detection.toml:2: error: id 'a\\x1b\]0;pwned\\a\\x1b\[2J' is not a slug`},
		{"carriage return in a file name", map[string]string{"cards/x\rfake.toml": corpusCard}, `^cards/x\\rfake.toml: error: unknown topic`},
		{"bidi override in a tag", card("[[cards]]\nid = \"a\"\ntags = [\"a\\u202eb\"]\nquestion = \"q\"\n"), `^cards/detection.toml:3: error: tag "a\\u202eb" of card .a. cannot be used: it contains the control character U\+202E`},
		// Config.
		{"config missing namespace", map[string]string{"config.toml": strings.Replace(corpusConfig, "namespace = \"t\"\n", "", 1)}, `^config.toml:1: error: \[deck\] namespace is missing`},
		{"config unknown format", map[string]string{"config.toml": strings.Replace(corpusConfig, `["csv-plain"]`, `["apkg", "docx"]`, 1)}, `^config.toml:7: error: \[output\] formats names unknown format 'docx'`},
		{"config target with unknown topic", map[string]string{"config.toml": corpusConfig + "\n[[targets]]\nname = \"x\"\ntopics = [\"pose\"]\n"}, `^config.toml:\d+: error: target 'x' names unknown topic 'pose'`},
		{"config unknown key", map[string]string{"config.toml": strings.Replace(corpusConfig, "[output]", "[output]\ndri = \"x\"", 1)}, `^config.toml:7: error: unknown key 'output.dri'; did you mean 'dir'\?`},
		{"config syntax error", map[string]string{"config.toml": "[deck\n"}, `^config.toml:2:\d+: error: TOML: expected '.' or ']' to end table name`},
		{"config missing", map[string]string{"config.toml": ""}, `^config.toml: error: \[deck\] id is missing`},
		{"config duplicate topic", map[string]string{"config.toml": corpusConfig + "\n[[topics]]\nid = \"detection\"\nname = \"again\"\n"}, `^config.toml:\d+: error: topic 'detection' is declared twice`},
	}
	if len(cases) < 40 {
		t.Fatalf("the corpus must keep at least 40 rejected inputs, has %d", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := corpusDir(t, tc.files)
			var stdout, stderr bytes.Buffer
			code := runIn(t, dir, []string{"validate"}, &stdout, &stderr)
			if code != 1 {
				t.Fatalf("exit code %d, want 1\nstderr:\n%s", code, stderr.String())
			}
			re := regexp.MustCompile(tc.want)
			found := false
			for _, line := range strings.Split(stderr.String(), "\n") {
				if re.MatchString(line) {
					found = true
				}
			}
			if !found {
				t.Errorf("no stderr line matches %q\nstderr:\n%s", tc.want, stderr.String())
			}
		})
	}
}

// corpusDir writes the minimal valid set overlaid with files into a temp dir.
func corpusDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	all := map[string]string{"config.toml": corpusConfig, "cards/detection.toml": corpusCard}
	for k, v := range files {
		all[k] = v
	}
	for name, body := range all {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runIn runs the CLI with dir as the working directory, so messages name relative paths.
func runIn(t *testing.T, dir string, args []string, stdout, stderr *bytes.Buffer) int {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	return run(args, stdout, stderr)
}

// TestHandledInputs builds inputs that must neither crash nor hang. Each is
// either built (with the unsafe parts removed) or rejected with a clear message;
// docs/security.md records which.
func TestHandledInputs(t *testing.T) {
	deepList := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(strings.Repeat("  ", i) + "- x\n")
		}
		return b.String()
	}
	literal := func(answer string) map[string]string {
		return map[string]string{"cards/detection.toml": "[[cards]]\nid = \"a\"\nquestion = \"q\"\nanswer = '''\n" + answer + "\n'''\n"}
	}
	cases := []struct {
		name  string
		files map[string]string
		// warn, when set, must match a stderr line (e.g. the sanitizer's warning).
		warn string
	}{
		{"UTF-8 BOM", map[string]string{"cards/detection.toml": "\xef\xbb\xbf" + corpusCard}, ""},
		{"CRLF line endings", map[string]string{"cards/detection.toml": strings.ReplaceAll("[[cards]]\nid = \"a\"\nquestion = '''\nline1\nline2\n'''\nanswer = \"x\"\n", "\n", "\r\n")}, ""},
		{"empty card file among others", map[string]string{"cards/normalization.toml": ""}, ""},
		{"comment-only card file among others", map[string]string{"cards/normalization.toml": "# nothing yet\n"}, ""},
		{"1 MB answer", literal(strings.Repeat("答案 text $x^2$ ", 1<<16)), ""},
		{"blockquotes 5000 deep", literal(strings.Repeat(">", 5000) + " deep"), ""},
		{"lists 300 deep", literal(deepList(300)), ""},
		{"emphasis 5000 deep", literal(strings.Repeat("*a ", 5000) + strings.Repeat(" a*", 5000)), ""},
		{"links 5000 deep", literal(strings.Repeat("[", 5000) + "x" + strings.Repeat("](u)", 5000)), ""},
		{"1 MB of unclosed inline math", literal(strings.Repeat("$a ", 1<<20/3)), ""},
		{"unbalanced dollar", literal("price $5, formula $x + y and $$ never closed"), ""},
		{"script tag", literal("<script>alert(1)</script>"), `^cards/detection.toml:4: warning: card 'a': unsafe HTML removed from the answer: <script>$`},
		{"event handler", literal(`<b onmouseover="alert(1)">x</b>`), `onmouseover on <b>`},
		{"javascript url", literal(`[x](javascript:alert(1))`), `href=javascript: on <a>`},
		{"data url link", literal(`<a href="data:text/html,<script>alert(1)</script>">x</a>`), `href=data: on <a>`},
		{"iframe object embed", literal(`<iframe src="x"></iframe><object data="x"></object><embed src="x">`), `<iframe>`},
		{"style escaping the card", literal(`<style>.card{display:none}</style>`), `<style>`},
		{"form and input", literal(`<form action="x"><input name="p"></form>`), `<form>`},
		{"svg with script", literal(`<svg onload="alert(1)"><script>x</script></svg>`), `<svg>`},
		{"meta refresh", literal(`<meta http-equiv="refresh" content="0;url=x">`), `<meta>`},
		{"html comment and entities", literal(`<!-- hidden --> &amp; &lt;b&gt; &#x3c;script&#x3e;`), ""},
		{"allowed html", literal(`<details><summary>展开</summary>x<sub>2</sub><sup>3</sup><br><kbd>Ctrl</kbd></details>`), ""},
		{"hash at line start", literal("# 标题\n#not-a-heading\n"), ""},
		{"quotes commas and tabs", literal("a,\"b\";\tc\nnew line, \"quoted\"\n"), ""},
		{"formula injection text", literal("=cmd|' /C calc'!A0\n+1\n-1\n@SUM(1)"), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"config.toml": strings.Replace(corpusConfig, `["csv-plain"]`, `["apkg", "csv", "csv-plain", "md"]`, 1)}
			for k, v := range tc.files {
				files[k] = v
			}
			dir := corpusDir(t, files)
			var stdout, stderr bytes.Buffer
			code := runIn(t, dir, []string{"build", "--out", "out"}, &stdout, &stderr)
			if code != 0 {
				t.Fatalf("exit code %d, want a build\nstderr:\n%s", code, stderr.String())
			}
			if tc.warn != "" {
				code = runIn(t, dir, []string{"validate"}, &stdout, &stderr)
				if !regexp.MustCompile(`(?m)` + tc.warn).MatchString(stderr.String()) {
					t.Errorf("validate: no warning matching %q\nstderr:\n%s", tc.warn, stderr.String())
				}
			}
			entries, err := os.ReadDir(filepath.Join(dir, "out"))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".") {
					t.Errorf("stray temporary file %s", e.Name())
				}
				if html := htmlBearing(t, filepath.Join(dir, "out", e.Name())); html != nil {
					if m := unsafeRE.Find(html); m != nil {
						t.Errorf("%s carries unsafe markup %q", e.Name(), m)
					}
				}
			}
		})
	}
}

var unsafeRE = regexp.MustCompile(`(?i)<script|<iframe|<object|<embed|<style|<form|<svg|<meta|\son[a-z]+=|javascript:`)

// htmlBearing returns the bytes of an output that carries card HTML: the Anki
// CSV, or the collection inside an .apkg. Other outputs keep Markdown source.
func htmlBearing(t *testing.T, path string) []byte {
	t.Helper()
	switch {
	case strings.HasSuffix(path, ".plain.csv") || strings.HasSuffix(path, ".md"):
		return nil
	case strings.HasSuffix(path, ".csv"):
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	case strings.HasSuffix(path, ".apkg"):
		zr, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			if f.Name == "collection.anki2" {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				defer rc.Close()
				b, err := io.ReadAll(rc)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
		}
		t.Fatalf("%s has no collection.anki2", path)
	}
	return nil
}
