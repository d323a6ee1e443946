package apkg

import (
	"bytes"
	"io"
	"runtime"
	"sync"

	// Twice as fast as compress/flate at level 1 on a collection, and a
	// little smaller; its output is as deterministic.
	"github.com/klauspost/compress/flate"
)

// chunkSize is the unit of parallel compression. It is a constant, so the
// compressed bytes never depend on the number of cores.
const chunkSize = 1 << 20

// parallelDeflate compresses fixed-size chunks on every core and writes
// them in order, the way pigz does: each chunk but the last ends with a sync
// flush at a byte boundary and refers to nothing before it, so the chunks
// concatenate into one valid deflate stream.
type parallelDeflate struct {
	w       io.Writer
	cur     *deflateChunk      // being filled
	pending chan *deflateChunk // in order, bounded: at most a few chunks in memory
	done    chan error
}

type deflateChunk struct {
	in    []byte
	out   bytes.Buffer
	ready chan error
}

// chunks recycles chunk buffers: a large collection is compressed through a
// handful of them instead of allocating its whole size again.
var chunks = sync.Pool{New: func() any {
	return &deflateChunk{in: make([]byte, 0, chunkSize), ready: make(chan error, 1)}
}}

var deflaters = sync.Pool{New: func() any {
	fw, _ := flate.NewWriter(io.Discard, flate.BestSpeed)
	return fw
}}

func newParallelDeflate(w io.Writer) *parallelDeflate {
	z := &parallelDeflate{
		w:       w,
		cur:     chunks.Get().(*deflateChunk),
		pending: make(chan *deflateChunk, runtime.GOMAXPROCS(0)),
		done:    make(chan error, 1),
	}
	go z.drain()
	return z
}

// drain writes compressed chunks in order; after an error it keeps
// receiving, so the producer never blocks, and reports the first error.
func (z *parallelDeflate) drain() {
	var first error
	for c := range z.pending {
		err := <-c.ready
		if first == nil && err == nil {
			_, err = z.w.Write(c.out.Bytes())
		}
		if first == nil {
			first = err
		}
		c.in, c.out = c.in[:0], *bytes.NewBuffer(c.out.Bytes()[:0])
		chunks.Put(c)
	}
	z.done <- first
}

func (z *parallelDeflate) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		c := z.cur
		k := copy(c.in[len(c.in):cap(c.in)], p)
		c.in = c.in[:len(c.in)+k]
		p = p[k:]
		if len(c.in) == cap(c.in) {
			z.flushChunk(false)
		}
	}
	return n, nil
}

func (z *parallelDeflate) flushChunk(final bool) {
	c := z.cur
	z.cur = chunks.Get().(*deflateChunk)
	z.pending <- c
	go func() {
		fw := deflaters.Get().(*flate.Writer)
		defer deflaters.Put(fw)
		fw.Reset(&c.out)
		_, err := fw.Write(c.in)
		if err == nil {
			if final {
				err = fw.Close()
			} else {
				err = fw.Flush()
			}
		}
		c.ready <- err
	}()
}

// Close compresses the last chunk as the final block and waits for every chunk to be written.
func (z *parallelDeflate) Close() error {
	z.flushChunk(true)
	chunks.Put(z.cur)
	z.cur = nil
	close(z.pending)
	return <-z.done
}
