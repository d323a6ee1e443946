package csvdeck

import (
	"bytes"
	"strings"
	"testing"
)

// oneLineSimple and writeRecordSimple are the byte-at-a-time versions, the reference.
func oneLineSimple(h string) string {
	h = strings.ReplaceAll(h, "\r\n", "\n")
	h = strings.ReplaceAll(h, "\r", "\n")
	if !strings.Contains(h, "\n") {
		return h
	}
	var b strings.Builder
	depth := 0
	for i := 0; i < len(h); i++ {
		switch {
		case h[i] == '\n' && depth > 0:
			b.WriteString("<br>")
		case h[i] == '\n':
			b.WriteByte(' ')
		default:
			if h[i] == '<' {
				switch {
				case hasTagPrefix(h[i:], "<pre"):
					depth++
				case hasTagPrefix(h[i:], "</pre"):
					depth = max(depth-1, 0)
				}
			}
			b.WriteByte(h[i])
		}
	}
	return b.String()
}

func writeRecordSimple(sep byte, eol string, fields []string) string {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(sep)
		}
		if needsQuotes(f, sep) {
			b.WriteString(`"` + strings.ReplaceAll(f, `"`, `""`) + `"`)
		} else {
			b.WriteString(f)
		}
	}
	return b.String() + eol
}

func FuzzRecord(f *testing.F) {
	for _, s := range []string{"", "a\nb", "<pre>x\ny</pre>\nz", "<PRE class=a>\r\n</pre>\n<prefix>\n", `say "hi"` + "\n#x", "\"\"\t\"", "</pre></pre>\n<pre\n"} {
		f.Add(s, "second \"field\"")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := oneLine(a), oneLineSimple(a); got != want {
			t.Fatalf("oneLine(%q) = %q, want %q", a, got, want)
		}
		for _, sep := range []byte{'\t', ','} {
			var w bytes.Buffer
			if err := writeRecord(&w, sep, "\r\n", []string{a, b, ""}); err != nil {
				t.Fatal(err)
			}
			if want := writeRecordSimple(sep, "\r\n", []string{a, b, ""}); w.String() != want {
				t.Fatalf("writeRecord(%q, %q) = %q, want %q", a, b, w.String(), want)
			}
		}
	})
}
