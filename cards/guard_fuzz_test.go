package cards

import (
	"runtime"
	"strings"
	"testing"
)

// hostileTOML are shapes that exhausted memory or the stack of the TOML
// decoder before the shape check (scaled down; the corpus in cmd/cardgen
// holds the full sizes).
var hostileTOML = []string{
	"x = " + strings.Repeat("{a=", 2000) + strings.Repeat("}", 2000) + "\n",
	"x = " + strings.Repeat("[", 20000) + "\n",
	"x = " + strings.Repeat("[{a=", 500) + "\n",
	strings.Repeat("a.", 5000) + "a = 1\n",
	strings.Repeat(`"a".`, 5000) + "a = 1\n",
	"[" + strings.Repeat("a.", 5000) + "a]\n",
	strings.Repeat("k", 20000) + " = 1\n",
	"[[cards]]\nid = \"a\"\nquestion = \"x\\u001fy\\u0000\"\n",
	"[[cards]]\nid = \"a\"\ntype = \"cloze\"\nquestion = \"{{c9223372036854775808::x}}\"\n",
	"a = '''" + strings.Repeat("'", 5) + "\nb = [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]\n",
}

// maxDecodeBytes bounds what decoding one topic file may allocate: a fixed
// allowance plus a multiple of its size, far above what real files take.
func maxDecodeBytes(n int) uint64 { return 64<<20 + 200*uint64(n) }

// FuzzHostileTOML decodes arbitrary topic files as the loader does and
// checks that the work stays bounded: no panic, no stack overflow, and no
// more memory than maxDecodeBytes allows (the memory limit of the target).
func FuzzHostileTOML(f *testing.F) {
	for _, s := range hostileTOML {
		f.Add([]byte(s))
	}
	f.Add([]byte(goodDetection))
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		dec, d := decodeFile("cards/detection.toml", data)
		runtime.ReadMemStats(&after)
		if used := after.TotalAlloc - before.TotalAlloc; used > maxDecodeBytes(len(data)) {
			t.Fatalf("decoding %d bytes allocated %d bytes", len(data), used)
		}
		if dec == nil && (d == nil || d.Line < 0 || d.Message == "") {
			t.Fatalf("rejected without a diagnostic: %+v", d)
		}
	})
}

// TestHostileTOMLIsBounded runs the seeds of FuzzHostileTOML at full size as a test.
func TestHostileTOMLIsBounded(t *testing.T) {
	for _, s := range append(hostileTOML, "x = "+strings.Repeat("[", 10<<20)+"\n", strings.Repeat("a.", 30000)+"a = 1\n") {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		dec, d := decodeFile("cards/detection.toml", []byte(s))
		runtime.ReadMemStats(&after)
		if used := after.TotalAlloc - before.TotalAlloc; used > maxDecodeBytes(len(s)) {
			t.Errorf("%.30q…: allocated %d bytes", s, used)
		}
		if dec != nil && strings.Count(s, "[") > MaxNesting {
			t.Errorf("%.30q… was decoded", s)
		}
		if dec == nil && d.Line < 1 {
			t.Errorf("%.30q…: diagnostic without a line: %+v", s, d)
		}
	}
}
