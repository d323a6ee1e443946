package build

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// limitMemory sets a soft memory limit of 2.25 times the live heap, once
// the deck is loaded and rendered. That data stays live to the end of the
// build, and the lock and exporters add to it; with only GOGC=100 the heap
// grew to twice the final live size (1.1 GB for 100k cards), with this
// limit to 0.75 GB for 8% more CPU. The limit follows the deck, so a
// larger deck never runs into it; a GOMEMLIMIT or GOGC set by the user wins.
func limitMemory() {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return
	}
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	live := int64(s[0].Value.Uint64())
	debug.SetMemoryLimit(max(live*9/4, 256<<20))
}
