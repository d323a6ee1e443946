package markdown

import "testing"

func TestShiftHeadings(t *testing.T) {
	tests := []struct {
		name, in string
		top      int
		want     string
	}{
		{"levels keep their distance", "# A\n\ntext\n\n## B\n", 3, "### A\n\ntext\n\n#### B\n"},
		{"already at the level", "### A\n", 3, "### A\n"},
		{"promoted when too deep", "#### A\n##### B\n", 3, "### A\n#### B\n"},
		{"clamped at six", "# A\n\n###### F\n", 3, "### A\n\n###### F\n"},
		{"closing sequence kept", "  ## Indented ##\n", 3, "  ### Indented ##\n"},
		{"setext becomes ATX", "Title\nline two\n===\n\nSub\n---\nbody", 3, "### Title line two\n\n#### Sub\nbody"},
		{"code fences are not headings", "```\n# code\n```\n\n# Real\n", 4, "```\n# code\n```\n\n#### Real\n"},
		{"display math is not headings", "$$\na\n# tex\n$$\n\n# Real\n", 4, "$$\na\n# tex\n$$\n\n#### Real\n"},
		{"inside a blockquote", "> ## Quoted\n", 3, "> ### Quoted\n"},
		{"inside a list item", "- item\n\n  # In list\n", 3, "- item\n\n  ### In list\n"},
		{"hash without space is text", "#tag\n\n# H\n", 2, "#tag\n\n## H\n"},
		{"setext text ending in a hash", "C #\n===\n", 2, "## C \\#\n"},
		{"no headings", "just text\n", 3, "just text\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shiftHeadings(tt.in, tt.top); got != tt.want {
				t.Errorf("shiftHeadings(%q, %d)\n got %q\nwant %q", tt.in, tt.top, got, tt.want)
			}
		})
	}
}

func TestSplitQuestion(t *testing.T) {
	tests := []struct{ in, head, rest string }{
		{"What is *x*?", "What is *x*?", ""},
		{"Line one\nline two\\\nthree\n\n```go\nx\n```", "Line one line two three", "```go\nx\n```"},
		{"```\ncode\n```\nWhat?", "", "```\ncode\n```\nWhat?"},
		{"# Heading question\n\nmore", "Heading question", "more"},
		{"Setext question\n---\nmore", "Setext question", "more"},
		{"- a list\n- question", "", "- a list\n- question"},
	}
	for _, tt := range tests {
		head, rest := splitQuestion(tt.in)
		if head != tt.head || rest != tt.rest {
			t.Errorf("splitQuestion(%q) = %q, %q; want %q, %q", tt.in, head, rest, tt.head, tt.rest)
		}
	}
}

func TestCloze(t *testing.T) {
	in := "A {{c1::Paris}} and {{c2::Tokyo::city}}, {{c1:: spaced }}."
	if got, want := hideCloze(in), `A \[…\] and \[city\], \[…\].`; got != want {
		t.Errorf("hideCloze = %q, want %q", got, want)
	}
	if got, want := revealCloze(in), "A **Paris** and **Tokyo**, **spaced**."; got != want {
		t.Errorf("revealCloze = %q, want %q", got, want)
	}
}

func TestYAMLString(t *testing.T) {
	tests := []struct{ in, want string }{
		{`CV 面试题`, `"CV 面试题"`},
		{`a "quoted" \ name`, `"a \"quoted\" \\ name"`},
		{"two\nlines\x01", `"two\nlines\x01"`},
		{"key: value # not a comment", `"key: value # not a comment"`},
	}
	for _, tt := range tests {
		if got := yamlString(tt.in); got != tt.want {
			t.Errorf("yamlString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
