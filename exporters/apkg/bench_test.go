package apkg_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/apkg"
	"github.com/cardgen/cardgen/exporters/render"
	"github.com/cardgen/cardgen/lock"
)

// syntheticDeck makes n cards shaped like the real ones: CJK text, inline
// and display math, a code block in every tenth answer, some reversed and
// cloze cards, extras, tags, and one image shared by every hundredth card.
func syntheticDeck(tb testing.TB, n int) *cards.Deck {
	dir := tb.TempDir()
	img := filepath.Join(dir, "cards", "media", "fig.png")
	writeFile(tb, img, "\x89PNG\r\n\x1a\nsynthetic figure")
	cfg := &cards.Config{
		Deck: cards.DeckConfig{ID: "bench", Namespace: "bench", Name: "基准测试", Cards: "cards", Lock: "cardgen.lock"},
		Root: dir,
	}
	topics := []string{"detection", "segmentation", "normalization", "optimization", "training"}
	for _, t := range topics {
		cfg.Topics = append(cfg.Topics, cards.Topic{ID: t, Name: "主题 " + t})
	}
	d := &cards.Deck{Config: cfg}
	for i := range n {
		topic := topics[i*len(topics)/n]
		c := &cards.Card{
			ID:       "card-" + strconv.Itoa(i),
			Type:     cards.Basic,
			Topic:    topic,
			Topics:   []string{topic},
			Tags:     []string{"tag-" + strconv.Itoa(i%37), "synthetic"},
			Source:   "Q" + strconv.Itoa(i),
			Question: fmt.Sprintf("第 %d 题:卷积层的参数量怎样计算?输入通道 $C_{in}$ 与输出通道 $C_{out}$ 起什么作用?", i),
			Answer: fmt.Sprintf("**核心**:参数量为 $k^2 C_{in} C_{out} + C_{out}$。第 %d 个变体考虑分组卷积,"+
				"此时参数量除以组数 $g$。\n\n$$\n\\text{FLOPs} = 2 H W k^2 C_{in} C_{out}\n$$\n\n"+
				"- 深度可分离卷积把它拆成两步\n- 1×1 卷积负责通道混合\n", i),
		}
		switch {
		case i%10 == 3:
			c.Type = cards.Reversed
		case i%10 == 7:
			c.Type = cards.Cloze
			c.Question = fmt.Sprintf("第 %d 题:BN 在训练时用 {{c1::当前 batch}} 的统计量,推理时用 {{c2::滑动平均}} 的统计量。", i)
		}
		if i%10 == 5 {
			c.Answer += "\n```python\ndef params(k, cin, cout):\n    return k * k * cin * cout + cout\n```\n"
		}
		if i%5 == 0 {
			c.Extra = "参见《深度学习》第 9 章。"
		}
		if i%100 == 50 {
			c.Answer += "\n![fig](media/fig.png)\n"
			c.Media = []cards.Media{{Ref: "media/fig.png", Path: img}}
		}
		d.Cards = append(d.Cards, c)
	}
	return d
}

// BenchmarkExport100k measures the exporter alone: the deck is loaded,
// rendered and locked before the timer starts. It reports the peak resident
// memory of the process during the exports (Linux).
func BenchmarkExport100k(b *testing.B) { benchmarkExport(b, 100_000) }

// BenchmarkExport10k is the same at a tenth of the size, for quick comparisons.
func BenchmarkExport10k(b *testing.B) { benchmarkExport(b, 10_000) }

func benchmarkExport(b *testing.B, n int) {
	deck := syntheticDeck(b, n)
	rendered, err := exporters.Render(deck, render.Default())
	if err != nil {
		b.Fatal(err)
	}
	states, nts, err := apkg.LockState(deck, rendered)
	if err != nil {
		b.Fatal(err)
	}
	l, _ := lock.New().Update(states, nts, t1)
	in := &exporters.Input{Deck: deck, Full: deck, Target: cards.FullTarget, HTML: rendered, Lock: l}
	// Start from the loaded, rendered deck alone: rendering's garbage returned to the OS.
	debug.FreeOSMemory()
	baseline := procStatus("VmRSS:")
	resetPeakRSS()

	var size int64
	cpu0, ops := cpuTime(), 0
	b.ResetTimer()
	for b.Loop() {
		ops++
		cw := &countingWriter{}
		if err := (apkg.Exporter{}).Export(cw, in); err != nil {
			b.Fatal(err)
		}
		size = cw.n
	}
	b.StopTimer()
	// CPU seconds per export, all threads: unlike ns/op, it barely moves on a busy machine.
	if cpu1 := cpuTime(); cpu1 > 0 {
		b.ReportMetric((cpu1-cpu0).Seconds()/float64(ops), "cpu-s/op")
	}
	b.ReportMetric(float64(size)/(1<<20), "MB-apkg")
	if peak := procStatus("VmHWM:"); peak > 0 {
		b.ReportMetric(float64(baseline)/(1<<20), "MB-RSS-before")
		b.ReportMetric(float64(peak)/(1<<20), "MB-peak-RSS")
	}
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)

// resetPeakRSS starts a new VmHWM measurement (Linux /proc/self/clear_refs).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// cpuTime is the process's user+system time from /proc/self/stat, or 0 when unknown.
func cpuTime() time.Duration {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// Fields after the parenthesised command name; utime and stime are the 12th and 13th.
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	const ticksPerSecond = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / ticksPerSecond
}

// procStatus returns a memory line of /proc/self/status (VmRSS:, VmHWM:) in bytes, or 0 when unknown.
func procStatus(key string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), key); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
