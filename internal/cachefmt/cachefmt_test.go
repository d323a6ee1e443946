package cachefmt

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

func writeAll(e *Encoder) {
	for _, v := range []uint64{0, 1, 127, 128, 16383, 16384, math.MaxUint32, math.MaxUint64} {
		e.Uint(v)
	}
	for _, v := range []int{0, 1, -1, 63, -64, 64, -65, math.MaxInt64, math.MinInt64} {
		e.Int(v)
	}
	e.Bool(true)
	e.Bool(false)
	e.Str("")
	e.Str("卷积 BatchNorm")
	e.Str(strings.Repeat("x", 300))
	e.Strs(nil)
	e.Strs([]string{})
	e.Strs([]string{"a", "", "梯度"})
}

// Encode allocates once, at the size it then fills, and appends exactly what
// a plain Encoder appends; the decoder reads every value back.
func TestEncodeSizesExactly(t *testing.T) {
	var plain Encoder
	writeAll(&plain)
	got := Encode(writeAll)
	if !bytes.Equal(got, plain.B) {
		t.Fatalf("Encode differs from a plain Encoder:\n%x\n%x", got, plain.B)
	}
	if cap(got) != len(got) {
		t.Fatalf("Encode allocated %d bytes for %d", cap(got), len(got))
	}
	d := NewDecoder(got)
	var us []uint64
	for range 8 {
		us = append(us, d.Uint())
	}
	var is []int
	for range 9 {
		is = append(is, d.Int())
	}
	if !slices.Equal(us, []uint64{0, 1, 127, 128, 16383, 16384, math.MaxUint32, math.MaxUint64}) ||
		!slices.Equal(is, []int{0, 1, -1, 63, -64, 64, -65, math.MaxInt64, math.MinInt64}) {
		t.Fatalf("numbers read back as %v %v", us, is)
	}
	if !d.Bool() || d.Bool() || d.Str() != "" || d.Str() != "卷积 BatchNorm" || d.Str() != strings.Repeat("x", 300) {
		t.Fatal("booleans or strings read back wrong")
	}
	if d.Strs() != nil || d.Strs() == nil || !slices.Equal(d.Strs(), []string{"a", "", "梯度"}) || d.Err() != nil {
		t.Fatalf("slices read back wrong (err %v)", d.Err())
	}
}

func BenchmarkEncode(b *testing.B) {
	answer := strings.Repeat("<p>卷积 BatchNorm 的梯度</p>", 40)
	write := func(e *Encoder) {
		for range 10000 {
			e.Str("card-0000001")
			e.Str(answer)
			e.Strs([]string{"x", "y"})
		}
	}
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			var e Encoder
			write(&e)
		}
	})
	b.Run("sized", func(b *testing.B) {
		for b.Loop() {
			Encode(write)
		}
	})
}

// A streaming Encoder writes exactly the bytes Encode returns, long strings
// and many small values past its buffer included.
func TestStreamMatchesEncode(t *testing.T) {
	write := func(e *Encoder) {
		writeAll(e)
		e.Str(strings.Repeat("卷积", 70000)) // past flushAt in one string
		for i := range 30000 {
			e.Int(-i)
			e.Str("card")
		}
	}
	var buf bytes.Buffer
	e := NewStream(&buf)
	write(e)
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := Encode(write); !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("stream wrote %d bytes, Encode %d; they differ", buf.Len(), len(want))
	}
	if cap(e.B) > 2*flushAt {
		t.Fatalf("stream buffer grew to %d bytes", cap(e.B))
	}
}
