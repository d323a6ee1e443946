// Package cachefmt encodes the values of cardgen's build cache: varints,
// booleans and length-prefixed strings, read back with every length checked,
// so a damaged entry is an error and never a panic or a huge allocation.
package cachefmt

import (
	"encoding/binary"
	"errors"
	"io"
	"unsafe"
)

// ErrDamaged reports an entry that does not decode.
var ErrDamaged = errors.New("damaged cache entry")

// Encoder appends values to B. An Encoder made by Encode first only counts
// the bytes, so B is allocated once at its final size.
type Encoder struct {
	B      []byte
	n      int
	sizing bool
	// w, when set, receives B whenever it grows past flushAt (see NewStream).
	w   io.Writer
	err error
}

// flushAt is the size at which a streaming Encoder hands its bytes on.
const flushAt = 64 << 10

// NewStream returns an Encoder that writes to w as it goes, holding at
// most about 64 KiB; Flush writes the rest and reports the first error.
func NewStream(w io.Writer) *Encoder { return &Encoder{B: make([]byte, 0, 2*flushAt), w: w} }

// Flush writes what a streaming Encoder still holds.
func (e *Encoder) Flush() error {
	if e.w != nil && e.err == nil && len(e.B) > 0 {
		_, e.err = e.w.Write(e.B)
		e.B = e.B[:0]
	}
	return e.err
}

func (e *Encoder) spill() {
	if e.w != nil && len(e.B) >= flushAt {
		e.Flush()
	}
}

// Encode returns what write appends to an Encoder. write runs twice: once
// to count the bytes, once to append them into one allocation of that size,
// so it must append the same values both times.
func Encode(write func(e *Encoder)) []byte {
	c := Encoder{sizing: true}
	write(&c)
	e := Encoder{B: make([]byte, 0, c.n)}
	write(&e)
	return e.B
}

// Uint appends v.
func (e *Encoder) Uint(v uint64) {
	if e.sizing {
		e.n += uvarintLen(v)
		return
	}
	e.B = binary.AppendUvarint(e.B, v)
	e.spill()
}

// Int appends v.
func (e *Encoder) Int(v int) {
	if e.sizing {
		// Varint is Uvarint of the zig-zag encoding.
		e.n += uvarintLen(uint64(v)<<1 ^ uint64(int64(v)>>63))
		return
	}
	e.B = binary.AppendVarint(e.B, int64(v))
	e.spill()
}

// Str appends s with its length.
func (e *Encoder) Str(s string) {
	e.Uint(uint64(len(s)))
	if e.sizing {
		e.n += len(s)
		return
	}
	if e.w != nil && len(s) >= flushAt {
		// A long string goes straight through, not through B.
		if e.Flush() == nil {
			_, e.err = io.WriteString(e.w, s)
		}
		return
	}
	e.B = append(e.B, s...)
	e.spill()
}

// Bool appends v as one byte.
func (e *Encoder) Bool(v bool) {
	switch {
	case e.sizing:
		e.n++
	case v:
		e.B = append(e.B, 1)
	default:
		e.B = append(e.B, 0)
	}
	e.spill()
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// Strs appends a nil slice as 0 and any other as its length plus one, so nil stays nil.
func (e *Encoder) Strs(ss []string) {
	if ss == nil {
		e.Uint(0)
		return
	}
	e.Uint(uint64(len(ss)) + 1)
	for _, s := range ss {
		e.Str(s)
	}
}

// Decoder reads what Encoder wrote. The first error sticks: every later
// read returns a zero value, and Err reports it.
type Decoder struct {
	b   []byte
	err error
}

// NewDecoder reads b, which must not change while strings read from it are in use.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

// Err returns ErrDamaged if a read failed or bytes are left over.
func (r *Decoder) Err() error {
	if r.err == nil && len(r.b) != 0 {
		return ErrDamaged
	}
	return r.err
}

// Fail marks the entry damaged, for checks the caller makes on values read.
func (r *Decoder) Fail() { r.err = ErrDamaged }

// Uint reads a value written by Encoder.Uint.
func (r *Decoder) Uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = ErrDamaged
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Int reads a value written by Encoder.Int.
func (r *Decoder) Int() int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = ErrDamaged
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

// Count reads a length, refusing one larger than the bytes left: every
// counted item takes at least a byte, so a damaged length cannot ask for a huge slice.
func (r *Decoder) Count() int {
	n := r.Uint()
	if n > uint64(len(r.b)) {
		r.err = ErrDamaged
		return 0
	}
	return int(n)
}

// Bool reads a value written by Encoder.Bool.
func (r *Decoder) Bool() bool {
	if r.err != nil || len(r.b) == 0 {
		r.err = ErrDamaged
		return false
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v == 1
}

// Str reads a string without copying it: the entry's bytes are never
// modified, and the strings keep them alive as long as they are used.
func (r *Decoder) Str() string {
	n := r.Count()
	if r.err != nil || n == 0 {
		return ""
	}
	s := unsafe.String(&r.b[0], n)
	r.b = r.b[n:]
	return s
}

// Strs reads a slice written by Encoder.Strs.
func (r *Decoder) Strs() []string {
	n := r.Uint()
	if r.err != nil || n == 0 {
		return nil
	}
	if n-1 > uint64(len(r.b)) {
		r.err = ErrDamaged
		return nil
	}
	ss := make([]string, n-1)
	for i := range ss {
		ss[i] = r.Str()
	}
	return ss
}
