package render

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkUnclosedMath renders paragraphs of "$a " that never close. Time
// per byte must stay flat from 16 KB to 256 KB; a parser that rescans the
// paragraph at every "$" takes 16 times longer per byte at the larger size.
func BenchmarkUnclosedMath(b *testing.B) {
	r := New()
	for _, kb := range []int{16, 64, 256} {
		src := strings.Repeat("$a ", kb<<10/3)
		b.Run(fmt.Sprintf("%dKB", kb), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, err := r.HTML(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestUnclosedMathStaysText: the memo of failed scans changes no output.
func TestUnclosedMathStaysText(t *testing.T) {
	r := New()
	// Outputs of the parser before the memo, which rescanned every time.
	for src, want := range map[string]string{
		"$a $b $c":            "<p>$a $b $c</p>",
		"$a $b$ c":            "<p><span class=\"math inline\">\\(a $b\\)</span> c</p>",
		"$a $5 $x$":           "<p><span class=\"math inline\">\\(a $5 $x\\)</span></p>",
		"$a\n\n$b$":           "<p>$a</p>\n<p><span class=\"math inline\">\\(b\\)</span></p>",
		"$$a $b$":             "<p>$<span class=\"math inline\">\\(a $b\\)</span></p>",
		"x $a `$` $b$":        "<p>x <span class=\"math inline\">\\(a `\\)</span>` <span class=\"math inline\">\\(b\\)</span></p>",
		"$a $a $a $":          "<p>$a $a $a $</p>",
		"$a \\$b$ $c$":        "<p><span class=\"math inline\">\\(a \\$b\\)</span> <span class=\"math inline\">\\(c\\)</span></p>",
		"$$a $$b $$":          "<div class=\"math display\">\\[a $$b\\]</div>",
		"$a\n$b $c$\n\n$d $e": "<p><span class=\"math inline\">\\(a\n$b $c\\)</span></p>\n<p>$d $e</p>",
		"$a $b\n\n$c $d$":     "<p>$a $b</p>\n<p><span class=\"math inline\">\\(c $d\\)</span></p>",
	} {
		got, err := r.HTML(src)
		if err != nil || got != want {
			t.Errorf("HTML(%q) = %q, want %q", src, got, want)
		}
	}
}
