package csvdeck

import (
	"bytes"
	"testing"
)

func TestOneLine(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no break", "<p>a</p>", "<p>a</p>"},
		{"breaks between blocks become spaces", "<p>a</p>\n<p>b</p>", "<p>a</p> <p>b</p>"},
		{"soft break in text becomes a space", "<p>line one\nline two</p>", "<p>line one line two</p>"},
		{"breaks inside pre become <br>", "<pre class=\"x\"><code># one\ntwo\n</code></pre>\n<p>c</p>",
			"<pre class=\"x\"><code># one<br>two<br></code></pre> <p>c</p>"},
		{"tag names are case-insensitive", "<PRE>a\r\nb</PRE>\r\nc", "<PRE>a<br>b</PRE> c"},
		{"a tag that only starts like pre", "<prefix>a\nb</prefix>", "<prefix>a b</prefix>"},
		{"lone carriage return", "a\rb", "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := oneLine(tt.in); got != tt.want {
				t.Errorf("oneLine(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWriteRecordQuoting(t *testing.T) {
	var b bytes.Buffer
	fields := []string{"plain", "#hash", "tab\there", `say "hi"`, " lead", "", "a#b"}
	if err := writeRecord(&b, '\t', "\n", fields); err != nil {
		t.Fatal(err)
	}
	want := "plain\t\"#hash\"\t\"tab\there\"\t\"say \"\"hi\"\"\"\t\" lead\"\t\ta#b\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
}
