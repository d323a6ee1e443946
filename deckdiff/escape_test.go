package deckdiff

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	gmhtml "github.com/yuin/goldmark/renderer/html"
)

// TestHostileIDsStayText: ids and topics from a package or lock made
// elsewhere cannot close the code span or add markup to the changelog.
func TestHostileIDsStayText(t *testing.T) {
	d := &Diff{
		Added:   []Card{{ID: "a` <img src=x onerror=alert(1)> `", Question: "q"}},
		Retired: []Card{{ID: "``b``\n# heading", Question: "q"}},
		Moved:   []Moved{{Card: Card{ID: "c", Question: "q", Topics: []string{"<script>x</script>"}}, From: []string{"*t*"}}},
	}
	var md bytes.Buffer
	if err := d.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := goldmark.New(goldmark.WithRendererOptions(gmhtml.WithUnsafe())).Convert(md.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	h := out.String()
	for _, bad := range []string{"<img", "<script", "<h1", "<em>"} {
		if strings.Contains(h, bad) {
			t.Errorf("changelog renders %s:\n%s\nfrom:\n%s", bad, h, md.String())
		}
	}
	if !strings.Contains(h, "<code>a` &lt;img src=x onerror=alert(1)&gt; `</code>") {
		t.Errorf("the id is not one code span:\n%s", h)
	}
}
