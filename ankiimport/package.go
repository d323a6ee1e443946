package ankiimport

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"
	"google.golang.org/protobuf/encoding/protowire"
)

// Limits caps what a package may make the importer read, so a hostile
// package (a zstd bomb, a declared size of gigabytes) fails with an error
// instead of filling the disk or the memory.
type Limits struct {
	// Collection is the largest uncompressed collection database.
	Collection int64
	// MediaFile is the largest single media file.
	MediaFile int64
	// Total is the most bytes the whole package may expand to.
	Total int64
	// Entries is the most zip entries a package may hold.
	Entries int
}

// DefaultLimits fit any real deck: Anki itself refuses packages far smaller.
var DefaultLimits = Limits{
	Collection: 512 << 20,
	MediaFile:  100 << 20,
	Total:      1 << 30,
	Entries:    200_000,
}

// format is how Anki laid out the package (anki-format.md §1.2).
type format int

const (
	legacy1 format = 1 // collection.anki2, no meta
	legacy2 format = 2 // collection.anki21
	latest  format = 3 // collection.anki21b, zstd, protobuf media map
)

func (f format) collectionName() string {
	switch f {
	case legacy2:
		return "collection.anki21"
	case latest:
		return "collection.anki21b"
	}
	return "collection.anki2"
}

// String names the format as docs and reports do.
func (f format) String() string { return f.collectionName() }

// pkg is an opened package: its zip entries, checked, and its media map.
type pkg struct {
	path    string
	zr      *zip.ReadCloser
	entries map[string]*zip.File
	format  format
	limits  Limits
	// media maps a media file name to its zip entry.
	media map[string]*zip.File
	// used counts the bytes expanded so far against limits.Total.
	used int64
}

// openPackage opens an .apkg or .colpkg and checks every entry before any
// is read: unsafe names, links and declared sizes over the limits are errors.
func openPackage(file string, lim Limits) (*pkg, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		if errors.Is(err, zip.ErrFormat) {
			return nil, fmt.Errorf("%s: not an Anki package (not a zip file); export the deck from Anki with File > Export as .apkg", file)
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	p := &pkg{path: file, zr: zr, entries: map[string]*zip.File{}, limits: lim}
	if err := p.check(); err != nil {
		zr.Close()
		return nil, err
	}
	if err := p.readMeta(); err != nil {
		zr.Close()
		return nil, err
	}
	if err := p.readMediaMap(); err != nil {
		zr.Close()
		return nil, err
	}
	return p, nil
}

func (p *pkg) Close() error { return p.zr.Close() }

func (p *pkg) check() error {
	if len(p.zr.File) > p.limits.Entries {
		return fmt.Errorf("%s: %d zip entries, more than the %d any Anki package has; refusing it", p.path, len(p.zr.File), p.limits.Entries)
	}
	var declared uint64
	for _, f := range p.zr.File {
		if err := safeName(f.Name); err != nil {
			return fmt.Errorf("%s: zip entry %q %v; refusing the package", p.path, f.Name, err)
		}
		if f.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s: zip entry %q is a symbolic link; refusing the package", p.path, f.Name)
		}
		if f.Mode().IsDir() || strings.HasSuffix(f.Name, "/") {
			continue
		}
		lim := p.limits.MediaFile
		if strings.HasPrefix(f.Name, "collection.") {
			lim = p.limits.Collection
		}
		if f.UncompressedSize64 > uint64(lim) {
			return fmt.Errorf("%s: zip entry %q declares %s, more than the limit of %s; refusing the package", p.path, f.Name, size(int64(min(f.UncompressedSize64, 1<<62))), size(lim))
		}
		declared += f.UncompressedSize64
		if declared > uint64(p.limits.Total) {
			return fmt.Errorf("%s: the package declares more than %s of content; refusing it", p.path, size(p.limits.Total))
		}
		if _, dup := p.entries[f.Name]; dup {
			return fmt.Errorf("%s: zip entry %q appears twice; refusing the package", p.path, f.Name)
		}
		p.entries[f.Name] = f
	}
	return nil
}

// safeName refuses names that would point outside a folder if extracted.
func safeName(name string) error {
	switch {
	case name == "":
		return errors.New("has no name")
	case strings.ContainsRune(name, 0):
		return errors.New("holds a NUL byte")
	case strings.Contains(name, `\`):
		return errors.New("holds a backslash (a path)")
	case path.IsAbs(name) || len(name) > 1 && name[1] == ':':
		return errors.New("is an absolute path")
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return errors.New("climbs out of its folder with '..'")
		}
	}
	return nil
}

// safeMediaName refuses media names that are not a plain file name.
func safeMediaName(name string) error {
	if err := safeName(name); err != nil {
		return err
	}
	switch {
	case strings.Contains(name, "/"):
		return errors.New("is a path, not a file name")
	case name == "." || name == "..":
		return errors.New("is not a file name")
	}
	return nil
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readMeta decides the format as Anki does (rslib package/meta.rs).
func (p *pkg) readMeta() error {
	if f := p.entries["meta"]; f != nil {
		b, err := p.readAll(f, 1<<10, false)
		if err != nil {
			return err
		}
		v, err := metaVersion(b)
		if err != nil {
			return fmt.Errorf("%s: the meta entry is damaged (%v); export the deck again", p.path, err)
		}
		switch v {
		case 1, 2, 3:
			p.format = format(v)
		default:
			return fmt.Errorf("%s: package version %d is newer than this cardgen understands; export with \"Support older Anki versions\" ticked", p.path, v)
		}
	} else if p.entries["collection.anki21"] != nil {
		p.format = legacy2
	} else {
		p.format = legacy1
	}
	if p.entries[p.format.collectionName()] == nil {
		return fmt.Errorf("%s: no %s in the package; this is not an Anki deck package", p.path, p.format.collectionName())
	}
	return nil
}

// metaVersion decodes PackageMetadata{version = 1}.
func metaVersion(b []byte) (int, error) {
	v := 0
	err := eachField(b, func(num protowire.Number, typ protowire.Type, val []byte, n uint64) error {
		if num == 1 && typ == protowire.VarintType {
			v = int(n)
		}
		return nil
	})
	return v, err
}

// readMediaMap reads the legacy JSON map or the current protobuf list.
func (p *pkg) readMediaMap() error {
	p.media = map[string]*zip.File{}
	f := p.entries["media"]
	if f == nil {
		return nil
	}
	b, err := p.readAll(f, 64<<20, p.format == latest)
	if err != nil {
		return err
	}
	add := func(entry, name string) error {
		if err := safeMediaName(name); err != nil {
			return fmt.Errorf("%s: the media map names %q, which %v; refusing the package", p.path, name, err)
		}
		zf := p.entries[entry]
		if zf == nil {
			// Anki skips such entries too; the notes that use the file report it.
			return nil
		}
		p.media[name] = zf
		return nil
	}
	if p.format != latest {
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("%s: the media map is not valid JSON (%v); export the deck again", p.path, err)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, err := strconv.ParseUint(k, 10, 32); err != nil {
				return fmt.Errorf("%s: the media map has the entry %q, not a number; refusing the package", p.path, k)
			}
			if err := add(k, m[k]); err != nil {
				return err
			}
		}
		return nil
	}
	// MediaEntries { repeated MediaEntry entries = 1 }; MediaEntry { name = 1; legacy_zip_filename = 255 }.
	i := 0
	return eachField(b, func(num protowire.Number, typ protowire.Type, val []byte, _ uint64) error {
		if num != 1 || typ != protowire.BytesType {
			return nil
		}
		name, entry := "", strconv.Itoa(i)
		i++
		if err := eachField(val, func(num protowire.Number, typ protowire.Type, val []byte, n uint64) error {
			switch {
			case num == 1 && typ == protowire.BytesType:
				name = string(val)
			case num == 255 && typ == protowire.VarintType:
				entry = strconv.FormatUint(n, 10)
			}
			return nil
		}); err != nil {
			return fmt.Errorf("%s: the media map is damaged (%v); export the deck again", p.path, err)
		}
		return add(entry, name)
	})
}

// eachField walks the top-level fields of a protobuf message.
func eachField(b []byte, fn func(num protowire.Number, typ protowire.Type, val []byte, n uint64) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		var val []byte
		var v uint64
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			val, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if err := fn(num, typ, val, v); err != nil {
			return err
		}
	}
	return nil
}

// open returns a reader over an entry's content, decompressed when the
// format compresses it, that fails once more than limit bytes come out.
func (p *pkg) open(f *zip.File, limit int64, compressed bool) (io.ReadCloser, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: zip entry %q: %v; the package is damaged", p.path, f.Name, err)
	}
	var r io.Reader = rc
	closer := rc.Close
	if compressed {
		dec, err := zstd.NewReader(rc, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(limit)+1), zstd.WithDecoderMaxWindow(64<<20))
		if err != nil {
			rc.Close()
			return nil, fmt.Errorf("%s: zip entry %q: %v", p.path, f.Name, err)
		}
		r = dec
		closer = func() error { dec.Close(); return rc.Close() }
	}
	return &limited{p: p, name: f.Name, r: r, left: limit, close: closer}, nil
}

// readAll reads a small entry whole.
func (p *pkg) readAll(f *zip.File, limit int64, compressed bool) ([]byte, error) {
	rc, err := p.open(f, limit, compressed)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// copyTo writes an entry's content to a new file at dst.
func (p *pkg) copyTo(f *zip.File, dst string, limit int64, compressed bool) error {
	rc, err := p.open(f, limit, compressed)
	if err != nil {
		return err
	}
	defer rc.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, rc); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	return out.Close()
}

// limited fails a read that goes past the entry's or the package's limit.
type limited struct {
	p     *pkg
	name  string
	r     io.Reader
	left  int64
	close func() error
}

func (l *limited) Read(b []byte) (int, error) {
	n, err := l.r.Read(b)
	l.left -= int64(n)
	l.p.used += int64(n)
	if l.left < 0 {
		return 0, fmt.Errorf("%s: zip entry %q expands past its limit; refusing the package (a compression bomb?)", l.p.path, l.name)
	}
	if l.p.used > l.p.limits.Total {
		return 0, fmt.Errorf("%s: the package expands past %s; refusing it", l.p.path, size(l.p.limits.Total))
	}
	if err != nil && err != io.EOF {
		return n, fmt.Errorf("%s: zip entry %q: %v; the package is damaged", l.p.path, l.name, err)
	}
	return n, err
}

func (l *limited) Close() error { return l.close() }

// mediaFile returns the zip entry of a media file, or nil.
func (p *pkg) mediaFile(name string) *zip.File { return p.media[name] }

// extractMedia copies one media file to dst.
func (p *pkg) extractMedia(name, dst string) error {
	f := p.media[name]
	if f == nil {
		return fmt.Errorf("%s: media file %q is not in the package", p.path, name)
	}
	return p.copyTo(f, dst, p.limits.MediaFile, p.format == latest)
}
