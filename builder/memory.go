package builder

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// limitMemory sets a soft memory limit of 1.8 times the live heap, once the
// deck is loaded and rendered and the lock updated: that data stays live to
// the end of the build, and the exporters only add garbage. With GOGC=100
// alone the heap grew to twice the final live size plus the lock's (peak
// RSS 1.1 GB for 100k cards); with this limit the peak is about 0.8 GB for
// some more GC work. The limit follows the deck, so a larger deck never runs
// into it; a GOMEMLIMIT or GOGC set by the user wins.
func limitMemory() { limitMemoryTo(9, 5) }

// limitMemoryTo sets the soft memory limit to num/den times the live heap.
func limitMemoryTo(num, den int64) {
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
	debug.SetMemoryLimit(max(live*num/den, 256<<20))
}
