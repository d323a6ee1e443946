package render

import (
	"fmt"
	"testing"
)

// highlightCases are code blocks of the languages of the synthetic sets
// (internal/synth), each about 150 to 250 bytes.
var highlightCases = []struct{ lang, code string }{
	{"python", "def f(x, w):\n    return (x * w).sum(axis=1)  # Adam\n\nclass Head(nn.Module):\n    def forward(self, x):\n        return self.fc(x).softmax(dim=-1)\n"},
	{"c", "/* FLOPs */\nstatic float dot(const float *x, const float *w, int n) {\n    float s = 0.0f;\n    for (int i = 0; i < n; i++) s += x[i] * w[i];\n    return s;\n}\n"},
	{"bash", "# momentum\nfor f in data/*.jpg; do\n  convert \"$f\" -resize 500x \"out/$(basename \"$f\")\" || exit 1\ndone\necho \"done: $(ls out | wc -l) files\"\n"},
	{"go", "// Dot is the weight decay score.\nfunc Dot(x, w []float32) (s float32) {\n\tfor i := 1; i < len(x); i++ {\n\t\ts += x[i] * w[i]\n\t}\n\treturn s\n}\n"},
	{"javascript", "// ReLU\nconst dot = (x, w) => x.slice(1).reduce((s, v, i) => s + v * w[i], 0);\nconsole.log(`score: ${dot([1, 2], [3, 4])}`);\n"},
	{"sql", "-- GEMM\nSELECT model, AVG(iou) AS miou\nFROM results\nWHERE epoch > 2 AND split = 'val'\nGROUP BY model ORDER BY miou DESC;\n"},
}

// BenchmarkHighlight renders one fenced block of each language; ns/byte is
// per byte of code. Every iteration's block is distinct (a counter in a
// comment line), so no memo of highlighted blocks serves it.
func BenchmarkHighlight(b *testing.B) {
	for _, c := range highlightCases {
		b.Run(c.lang, func(b *testing.B) {
			r := New()
			comment := map[string]string{"python": "#", "bash": "#", "sql": "--"}[c.lang]
			if comment == "" {
				comment = "//"
			}
			// The lexer's rules compile on first use, once per process.
			if _, err := r.HTML("```" + c.lang + "\n" + c.code + "```\n"); err != nil {
				b.Fatal(err)
			}
			n := 0
			for b.Loop() {
				n++
				code := fmt.Sprintf("%s %d\n%s", comment, n, c.code)
				if _, err := r.HTML("```" + c.lang + "\n" + code + "```\n"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*len(c.code)), "ns/byte")
		})
	}
}
