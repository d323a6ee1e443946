package cards

import (
	"slices"

	"github.com/BurntSushi/toml"
	"github.com/cardgen/cardgen/internal/cachefmt"
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
const decodeFormat = 3

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
	// The index's elements in a fixed order: Encode writes them twice.
	names := make([]string, 0, len(d.idx.elems))
	for name := range d.idx.elems {
		names = append(names, name)
	}
	slices.Sort(names)
	return cachefmt.Encode(func(e *cachefmt.Encoder) { encodeDecoded(e, d, names) })
}

func encodeDecoded(e *cachefmt.Encoder, d *decoded, names []string) {
	e.Uint(decodeFormat)
	e.Str(d.doc.Topic)
	e.Uint(uint64(len(d.doc.Cards)))
	for _, c := range d.doc.Cards {
		for _, s := range []string{c.ID, c.Type, c.Question, c.Answer, c.Extra, c.Source, c.GUID} {
			e.Str(s)
		}
		e.Strs(c.Topics)
		e.Strs(c.Tags)
		e.Bool(c.Fields != nil)
		names := make([]string, 0, len(c.Fields))
		for name := range c.Fields {
			names = append(names, name)
		}
		slices.Sort(names)
		e.Strs(names)
		for _, name := range names {
			e.Str(c.Fields[name])
		}
		e.Bool(c.Revive)
	}
	e.Uint(uint64(len(d.undecoded)))
	for _, k := range d.undecoded {
		e.Strs(k)
	}
	x := d.idx
	e.Uint(uint64(len(x.headers)))
	for _, h := range x.headers {
		e.Str(h.name)
		e.Bool(h.array)
		e.Int(h.line)
	}
	e.Uint(uint64(len(x.keys)))
	for _, k := range x.keys {
		e.Str(k.table)
		e.Int(k.index)
		e.Str(k.name)
		e.Int(k.line)
	}
	e.Uint(uint64(len(x.elems)))
	for _, name := range names {
		rs := x.elems[name]
		e.Str(name)
		e.Uint(uint64(len(rs)))
		for _, r := range rs {
			e.Int(r[0])
			e.Int(r[1])
		}
	}
}

func unmarshalDecoded(b []byte) (*decoded, error) {
	r := cachefmt.NewDecoder(b)
	if r.Uint() != decodeFormat {
		return nil, cachefmt.ErrDamaged
	}
	d := &decoded{idx: &tomlIndex{elems: map[string][][2]int{}}}
	d.doc.Topic = r.Str()
	d.doc.Cards = make([]cardDoc, r.Count())
	for i := range d.doc.Cards {
		c := &d.doc.Cards[i]
		for _, p := range []*string{&c.ID, &c.Type, &c.Question, &c.Answer, &c.Extra, &c.Source, &c.GUID} {
			*p = r.Str()
		}
		c.Topics = r.Strs()
		c.Tags = r.Strs()
		hasFields := r.Bool()
		names := r.Strs()
		if hasFields {
			c.Fields = make(map[string]string, len(names))
		}
		for _, name := range names {
			v := r.Str()
			if hasFields {
				c.Fields[name] = v
			}
		}
		c.Revive = r.Bool()
	}
	if n := r.Count(); n > 0 {
		d.undecoded = make([]toml.Key, n)
		for i := range d.undecoded {
			d.undecoded[i] = r.Strs()
		}
	}
	x := d.idx
	x.headers = make([]tomlHeader, r.Count())
	for i := range x.headers {
		x.headers[i] = tomlHeader{name: r.Str(), array: r.Bool(), line: r.Int()}
	}
	x.keys = make([]tomlKey, r.Count())
	for i := range x.keys {
		x.keys[i] = tomlKey{table: r.Str(), index: r.Int(), name: r.Str(), line: r.Int()}
	}
	for n := r.Count(); n > 0; n-- {
		name := r.Str()
		rs := make([][2]int, r.Count())
		for i := range rs {
			rs[i] = [2]int{r.Int(), r.Int()}
			if rs[i][0] < 0 || rs[i][0] > rs[i][1] || rs[i][1] > len(x.keys) {
				r.Fail()
			}
		}
		x.elems[name] = rs
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return d, nil
}
