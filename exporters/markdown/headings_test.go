package markdown

import (
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
)

func hasHeading(src string) bool {
	found := false
	_ = ast.Walk(parse([]byte(src)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if _, ok := n.(*ast.Heading); ok {
			found = true
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return found
}

var headingSeeds = []string{
	"# h", "a\n===", "a\n---", "> a\n> ---", "- a\n  ===", "a\n=\n", "text only 中文 $x$", "- list\n- items", "a - b\nc = d",
	"```\ncode\n```", "a\n  ---  \n", "a\n\t=\t",
}

func TestMayHaveHeading(t *testing.T) {
	for _, s := range headingSeeds {
		if hasHeading(s) && !mayHaveHeading(s) {
			t.Errorf("mayHaveHeading(%q) = false, but it has a heading", s)
		}
	}
	if mayHaveHeading("普通的答案,没有标题。\n\n- 要点一\n- 要点二\n") {
		t.Error("a plain answer may have a heading")
	}
}

// FuzzMayHaveHeading checks the promise shiftHeadings relies on: Markdown
// that mayHaveHeading rules out parses without a heading.
func FuzzMayHaveHeading(f *testing.F) {
	for _, s := range headingSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if !mayHaveHeading(src) && hasHeading(src) {
			t.Fatalf("mayHaveHeading(%q) = false, but it parses with a heading", src)
		}
	})
}

// FuzzOneLineParagraph checks splitQuestion's shortcut against the parse it skips.
func FuzzOneLineParagraph(f *testing.F) {
	for _, s := range []string{"普通问题?", "What is $x$?", "a  ", "a\\", "Q **b** `c`", "1. a", "- a", "# h", "[a]: b", "a | b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		head, ok := oneLineParagraph(src)
		if !ok {
			return
		}
		source := []byte(src)
		first := parse(source).FirstChild()
		want := ""
		if _, para := first.(*ast.Paragraph); para {
			want = headingText(source, first)
		}
		if head != want || strings.TrimSpace(src[blockEnd(source, first):]) != "" {
			t.Fatalf("oneLineParagraph(%q) = %q, the parser gives %q (first block %T)", src, head, want, first)
		}
	})
}
