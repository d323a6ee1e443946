package cards

import (
	"encoding/binary"
	"errors"
	"unsafe"

	"github.com/BurntSushi/toml"
)

// Cache keeps decoded topic files between runs. Entries are addressed by the
// SHA-256 of the file's bytes, so an edited file is a miss, never a stale hit.
// An implementation must also tell apart cardgen builds (see build.Cache).
type Cache interface {
	// Get returns the value stored for the file at path with content key, or nil.
	Get(kind, path string, key [32]byte) []byte
	// Put stores value; failures are ignored, since the cache only saves time.
	Put(kind, path string, key [32]byte, value []byte)
}

// decodeKind names the loader's entries in a Cache.
const decodeKind = "decode"

// decodeFormat changes whenever the encoding below or the decoded model does.
const decodeFormat = 1

func (l *loader) cachedDecode(path string, sum [32]byte) *decoded {
	if l.cache == nil {
		return nil
	}
	b := l.cache.Get(decodeKind, path, sum)
	if b == nil {
		return nil
	}
	dec, err := unmarshalDecoded(b)
	if err != nil {
		return nil // a damaged entry is a miss; the file is decoded again
	}
	return dec
}

func (l *loader) storeDecode(path string, sum [32]byte, dec *decoded) {
	if l.cache != nil {
		l.cache.Put(decodeKind, path, sum, marshalDecoded(dec))
	}
}

func marshalDecoded(d *decoded) []byte {
	var e encoder
	e.uint(decodeFormat)
	e.str(d.doc.Topic)
	e.uint(uint64(len(d.doc.Cards)))
	for _, c := range d.doc.Cards {
		for _, s := range []string{c.ID, c.Type, c.Question, c.Answer, c.Extra, c.Source} {
			e.str(s)
		}
		e.strs(c.Topics)
		e.strs(c.Tags)
	}
	e.uint(uint64(len(d.undecoded)))
	for _, k := range d.undecoded {
		e.strs(k)
	}
	x := d.idx
	e.uint(uint64(len(x.headers)))
	for _, h := range x.headers {
		e.str(h.name)
		e.bool(h.array)
		e.int(h.line)
	}
	e.uint(uint64(len(x.keys)))
	for _, k := range x.keys {
		e.str(k.table)
		e.int(k.index)
		e.str(k.name)
		e.int(k.line)
	}
	e.uint(uint64(len(x.elems)))
	for name, rs := range x.elems {
		e.str(name)
		e.uint(uint64(len(rs)))
		for _, r := range rs {
			e.int(r[0])
			e.int(r[1])
		}
	}
	return e.b
}

func unmarshalDecoded(b []byte) (*decoded, error) {
	r := decoder{b: b}
	if r.uint() != decodeFormat {
		return nil, errBadEntry
	}
	d := &decoded{idx: &tomlIndex{elems: map[string][][2]int{}}}
	d.doc.Topic = r.str()
	d.doc.Cards = make([]cardDoc, r.count())
	for i := range d.doc.Cards {
		c := &d.doc.Cards[i]
		for _, p := range []*string{&c.ID, &c.Type, &c.Question, &c.Answer, &c.Extra, &c.Source} {
			*p = r.str()
		}
		c.Topics = r.strs()
		c.Tags = r.strs()
	}
	if n := r.count(); n > 0 {
		d.undecoded = make([]toml.Key, n)
		for i := range d.undecoded {
			d.undecoded[i] = r.strs()
		}
	}
	x := d.idx
	x.headers = make([]tomlHeader, r.count())
	for i := range x.headers {
		x.headers[i] = tomlHeader{name: r.str(), array: r.bool(), line: r.int()}
	}
	x.keys = make([]tomlKey, r.count())
	for i := range x.keys {
		x.keys[i] = tomlKey{table: r.str(), index: r.int(), name: r.str(), line: r.int()}
	}
	for n := r.count(); n > 0 && r.err == nil; n-- {
		name := r.str()
		rs := make([][2]int, r.count())
		for i := range rs {
			rs[i] = [2]int{r.int(), r.int()}
			if rs[i][0] < 0 || rs[i][0] > rs[i][1] || rs[i][1] > len(x.keys) {
				r.err = errBadEntry
			}
		}
		x.elems[name] = rs
	}
	if r.err != nil || len(r.b) != 0 {
		return nil, errBadEntry
	}
	return d, nil
}

var errBadEntry = errors.New("damaged cache entry")

// encoder writes varints and length-prefixed strings.
type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int)     { e.b = binary.AppendVarint(e.b, int64(v)) }
func (e *encoder) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }

func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// strs writes a nil slice as 0 and any other as its length plus one, so nil stays nil.
func (e *encoder) strs(ss []string) {
	if ss == nil {
		e.uint(0)
		return
	}
	e.uint(uint64(len(ss)) + 1)
	for _, s := range ss {
		e.str(s)
	}
}

// decoder reads what encoder wrote; the first error sticks and every later read returns zero.
type decoder struct {
	b   []byte
	err error
}

func (r *decoder) uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errBadEntry
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *decoder) int() int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errBadEntry
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

// count reads a length, refusing one larger than the bytes left, so a damaged entry cannot ask for huge slices.
func (r *decoder) count() int {
	n := r.uint()
	if n > uint64(len(r.b)) {
		r.err = errBadEntry
		return 0
	}
	return int(n)
}

func (r *decoder) bool() bool {
	if r.err != nil || len(r.b) == 0 {
		r.err = errBadEntry
		return false
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v == 1
}

// str returns the next string without copying it: the entry's bytes are
// never modified, and the strings keep them alive as long as the cards do.
func (r *decoder) str() string {
	n := r.count()
	if r.err != nil || n == 0 {
		return ""
	}
	s := unsafe.String(&r.b[0], n)
	r.b = r.b[n:]
	return s
}

func (r *decoder) strs() []string {
	n := r.uint()
	if r.err != nil || n == 0 {
		return nil
	}
	if n-1 > uint64(len(r.b)) {
		r.err = errBadEntry
		return nil
	}
	ss := make([]string, n-1)
	for i := range ss {
		ss[i] = r.str()
	}
	return ss
}
