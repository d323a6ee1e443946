package cjkpunct

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestFixTOML(t *testing.T) {
	in := "# 注释,不改\ntopic = \"detection\"\n\n[[cards]]\nid = \"a\"\nquestion = \"前景少,背景多?\"\nanswer = '''\n**核心**:见 `f(a, b)`。\n'''\n\n[[cards]]\nid = \"b\"\nquestion = \"带转义\\\"的,问题\"\nanswer = \"答案,第二张\"\n"
	out, n, skipped, err := FixTOML(in)
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("changed %d marks, want 4\n%s", n, out)
	}
	if len(skipped) != 1 || !strings.Contains(skipped[0], "card 'b': question") {
		t.Errorf("skipped = %q, want card b's question", skipped)
	}
	var doc struct {
		Cards []struct{ Question, Answer string } `toml:"cards"`
	}
	if _, err := toml.Decode(out, &doc); err != nil {
		t.Fatalf("the fixed file does not decode: %v\n%s", err, out)
	}
	want := []struct{ Question, Answer string }{
		{"前景少，背景多？", "**核心**：见 `f(a, b)`。\n"},
		{"带转义\"的,问题", "答案，第二张"},
	}
	for i, w := range want {
		if doc.Cards[i].Question != w.Question || doc.Cards[i].Answer != w.Answer {
			t.Errorf("card %d = %q / %q, want %q / %q", i, doc.Cards[i].Question, doc.Cards[i].Answer, w.Question, w.Answer)
		}
	}
	if !strings.HasPrefix(out, "# 注释,不改\n") {
		t.Errorf("comments must stay as written:\n%s", out)
	}
}
