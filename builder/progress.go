package builder

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progressDelay is how long a build runs before it shows a progress bar:
// a small deck builds faster than a bar could be read.
const progressDelay = time.Second

// progress shows, on a terminal, how far a long build is: one bar per
// stage, drawn from counters the workers bump, so the work itself never
// waits for the terminal. A nil *progress shows nothing.
type progress struct {
	w     io.Writer
	start time.Time

	mu    sync.Mutex
	stage string
	total int64
	bar   *progressbar.ProgressBar
	count atomic.Int64
	stop  chan struct{}
	once  sync.Once
	done  chan struct{}
}

// newProgress returns a progress display on w, or nil when show is false.
func newProgress(w io.Writer, show bool) *progress {
	if !show {
		return nil
	}
	p := &progress{w: w, start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	go p.run()
	return p
}

// begin starts a stage of total units of work; a negative total is unknown.
func (p *progress) begin(stage string, total int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finishBar()
	p.stage, p.total = stage, int64(total)
	p.count.Store(0)
}

// pause removes the bar until the next stage begins, so other output can be printed.
func (p *progress) pause() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finishBar()
	p.stage = ""
}

// add counts n units of the current stage as done; safe from any goroutine.
func (p *progress) add(n int) {
	if p != nil {
		p.count.Add(int64(n))
	}
}

// close removes the bar for good; the build's own report follows. Calling it again does nothing.
func (p *progress) close() {
	if p == nil {
		return
	}
	p.once.Do(func() { close(p.stop) })
	<-p.done
	p.mu.Lock()
	p.finishBar()
	p.mu.Unlock()
}

func (p *progress) run() {
	defer close(p.done)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
			if time.Since(p.start) >= progressDelay {
				p.draw()
			}
		}
	}
}

func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	// A stage of unknown size shows nothing: the library's spinner keeps drawing after Clear.
	if p.stage == "" || p.total < 0 {
		return
	}
	if p.bar == nil {
		p.bar = progressbar.NewOptions64(p.total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(p.stage),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowCount(),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionUseANSICodes(true),
		)
	}
	_ = p.bar.Set64(min(p.count.Load(), p.total))
}

func (p *progress) finishBar() {
	if p.bar != nil {
		_ = p.bar.Clear()
		p.bar = nil
	}
}

// stageTimes records how long each stage of a build took, for `build -v`.
// A nil *stageTimes records nothing.
type stageTimes struct {
	mu    sync.Mutex
	names []string
	took  []time.Duration
}

// since records the time from start to now under name.
func (s *stageTimes) since(name string, start time.Time) { s.add(name, time.Since(start)) }

// add records d under name.
func (s *stageTimes) add(name string, d time.Duration) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names = append(s.names, name)
	s.took = append(s.took, d)
}

// write prints the stages in the order they were recorded, then the total.
// Exporters run side by side, so their times add up to more than the wall time.
func (s *stageTimes) write(w io.Writer, total time.Duration) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	width := len("total")
	for _, n := range s.names {
		width = max(width, len(n))
	}
	for i, n := range s.names {
		fmt.Fprintf(w, "  %-*s %8s\n", width, n, round(s.took[i]))
	}
	fmt.Fprintf(w, "  %-*s %8s\n", width, "total", round(total))
}

func round(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(100 * time.Microsecond)
}
