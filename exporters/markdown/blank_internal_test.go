package markdown

import "testing"

func TestBlankBeforeBlocks(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"核心:\n- a\n- b", "核心:\n\n- a\n- b"},
		{"步骤:\n1. a\n2. b\n\n后记", "步骤:\n\n1. a\n2. b\n\n后记"},
		{"说明\n```python\nx = 1\n```", "说明\n\n```python\nx = 1\n```"},
		{"文字\n# 标题", "文字\n\n# 标题"},
		{"> 引用\n> - a\n> - b", "> 引用\n>\n> - a\n> - b"},
		{"已有空行:\n\n- a", "已有空行:\n\n- a"},
		{"- a\n  - b\n- c", "- a\n  - b\n- c"},
		{"一行", "一行"},
		{"$$\nx\n$$\n- a", "$$\nx\n$$\n- a"},
	} {
		if got := blankBeforeBlocks(tt.in); got != tt.want {
			t.Errorf("blankBeforeBlocks(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
