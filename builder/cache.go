package builder

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/render"
	"github.com/cardgen/cardgen/internal/cachefmt"
	"github.com/cardgen/cardgen/internal/par"
	"github.com/cardgen/cardgen/internal/safefile"
)

// EnvCacheDir names the build cache folder, overriding the default
// <user cache dir>/cardgen. Tests point it at a temporary folder.
const EnvCacheDir = "CARDGEN_CACHE_DIR"

// Cache is the build cache: decoded topic files and rendered cards, kept
// between runs so a rebuild after an edit redoes only the edited files.
//
// Each topic file has one slot per kind of entry. An entry is used only when
// it was written by this very cardgen binary (its Go build ID, which changes
// with any change to cardgen's code, renderer options included) for the
// same bytes of the topic file; anything else, a damaged entry included, is
// a miss and is rebuilt. Output never depends on the cache, and deleting the
// folder at any time is safe.
//
// Entries are authenticated with HMAC-SHA256 under a key kept outside the
// cache folder (cacheKeyPath), so whoever can write the folder (a restored
// CI cache, another user) cannot make an entry cardgen accepts: the cached
// HTML skips the sanitizer, and must never change the output
// (docs/security.md).
type Cache struct {
	dir  string
	salt [32]byte
	mac  []byte
	// Rendered entries are written in the background, one at a time, while
	// the build goes on (see later); Flush waits for them.
	bg   sync.WaitGroup
	bgMu sync.Mutex
}

// later runs write in the background, after any earlier one: writing the
// cache then overlaps the lock and the exporters instead of delaying them,
// and one entry at a time is in flight.
func (c *Cache) later(write func()) {
	c.bg.Add(1)
	go func() {
		defer c.bg.Done()
		c.bgMu.Lock()
		defer c.bgMu.Unlock()
		write()
	}()
}

// Flush waits until every entry handed to the background is written.
func (c *Cache) Flush() {
	if c != nil {
		c.bg.Wait()
	}
}

// OpenCache returns the cache in $CARDGEN_CACHE_DIR or else the user's cache
// folder, or nil when there is none, cardgen cannot tell its own build, or
// a test runs without CARDGEN_CACHE_DIR.
func OpenCache() *Cache {
	dir := os.Getenv(EnvCacheDir)
	if dir == "" && testing.Testing() {
		return nil // tests never touch the user's cache; they opt in with CARDGEN_CACHE_DIR
	}
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil
		}
		dir = filepath.Join(base, "cardgen")
	}
	id, err := buildIdentity()
	if err != nil {
		return nil
	}
	return newCache(dir, id)
}

func newCache(dir string, identity []byte) *Cache {
	c := &Cache{dir: dir, mac: cacheKey(cacheKeyPath(dir))}
	c.salt = sha256.Sum256(append([]byte("cardgen build cache 1\x00"), identity...))
	c.prune(time.Now())
	return c
}

// Dir is the cache folder.
func (c *Cache) Dir() string { return c.dir }

// buildIdentity is cardgen's version and the running binary's Go build ID,
// or the SHA-256 of the whole binary when it has no build ID.
func buildIdentity() ([]byte, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(exe)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	id := []byte(Version() + "\x00")
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	// Where `go tool buildid` finds it: in the first pages, quoted after this marker.
	const marker = "\xff Go build ID: \""
	if i := bytes.Index(head[:n], []byte(marker)); i >= 0 {
		rest := head[i+len(marker) : n]
		if j := bytes.IndexByte(rest, '"'); j > 0 {
			return append(id, rest[:j]...), nil
		}
	}
	h := sha256.New()
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(id), nil
}

// EnvCacheKey names the file holding the cache's authentication key,
// overriding <user config dir>/cardgen/cache-key.
const EnvCacheKey = "CARDGEN_CACHE_KEY"

// cacheKeyPath is where the key of the cache in dir is kept: never inside dir.
func cacheKeyPath(dir string) string {
	if p := os.Getenv(EnvCacheKey); p != "" {
		return p
	}
	if testing.Testing() {
		return filepath.Clean(dir) + ".key" // beside a test's own cache folder
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(base, "cardgen", "cache-key")
}

// cacheKey reads the key at path, creating it on first use; when it can be
// neither read nor made, a key for this process only (the cache then only
// serves this run).
func cacheKey(path string) []byte {
	if path != "" {
		if k, err := safefile.ReadFile(path, 64); err == nil && len(k) == 32 {
			return k
		}
		k := make([]byte, 32)
		rand.Read(k)
		if os.MkdirAll(filepath.Dir(path), 0o700) == nil {
			if f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
				_, werr := f.Write(k)
				if cerr := f.Close(); werr == nil && cerr == nil {
					return k
				}
				os.Remove(path)
			} else if k2, err := safefile.ReadFile(path, 64); err == nil && len(k2) == 32 {
				return k2 // made by another process meanwhile
			}
		}
	}
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

// entryMagic starts every entry file; the layout is magic, salt, key,
// HMAC-SHA256 of all that and the value, value.
const entryMagic = "cgc3"

const entryHead = len(entryMagic) + 32 + 32 + sha256.Size

// MaxCacheEntryBytes caps a cache entry read (a topic file's rendered cards).
const MaxCacheEntryBytes = 1 << 30

func (c *Cache) sign(head, value []byte) []byte {
	m := hmac.New(sha256.New, c.mac)
	m.Write(head)
	m.Write(value)
	return m.Sum(nil)
}

func (c *Cache) slot(kind, path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	sum := sha256.Sum256([]byte(kind + "\x00" + path))
	return filepath.Join(c.dir, kind, hex.EncodeToString(sum[:16])+".bin")
}

func (c *Cache) key(kind string, content [32]byte) [32]byte {
	h := sha256.New()
	h.Write(c.salt[:])
	h.Write([]byte(kind + "\x00"))
	h.Write(content[:])
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// Get implements cards.Cache: the value stored for path's content, or nil.
func (c *Cache) Get(kind, path string, content [32]byte) []byte {
	if c == nil {
		return nil
	}
	key := c.key(kind, content)
	return c.get(kind, path, key[:])
}

// previous returns the value in path's slot written by this cardgen for
// whatever content the file had then, or nil. Rendered entries keep a hash
// of each card's Markdown, so after an edit the unchanged cards are reused.
func (c *Cache) previous(kind, path string) []byte { return c.get(kind, path, nil) }

// get reads path's slot, checking the salt, the key unless it is nil, and the checksum.
func (c *Cache) get(kind, path string, key []byte) []byte {
	if c == nil {
		return nil
	}
	name := c.slot(kind, path)
	b, err := safefile.ReadFile(name, MaxCacheEntryBytes)
	if err != nil || len(b) < entryHead || string(b[:len(entryMagic)]) != entryMagic {
		return nil
	}
	salt, stored := b[len(entryMagic):len(entryMagic)+32], b[len(entryMagic)+32:len(entryMagic)+64]
	if !bytes.Equal(salt, c.salt[:]) || key != nil && !bytes.Equal(stored, key) {
		return nil
	}
	value := b[entryHead:]
	if !hmac.Equal(b[entryHead-sha256.Size:entryHead], c.sign(b[:entryHead-sha256.Size], value)) {
		return nil
	}
	// Used entries stay young; prune removes the ones nobody reads.
	now := time.Now()
	_ = os.Chtimes(name, now, now)
	return value
}

// Put implements cards.Cache. The entry is written to a temporary file and
// renamed, so a reader never sees half of it; errors only cost a miss later.
func (c *Cache) Put(kind, path string, content [32]byte, value []byte) {
	if c == nil {
		return
	}
	name := c.slot(kind, path)
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return
	}
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return
	}
	key := c.key(kind, content)
	var head []byte
	head = append(head, entryMagic...)
	head = append(head, c.salt[:]...)
	head = append(head, key[:]...)
	head = append(head, c.sign(head, value)...)
	_, err = f.Write(head)
	if err == nil {
		_, err = f.Write(value)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
	}
}

// putStream is Put for a value that write encodes: the entry goes to its
// file as it is encoded, and its HMAC is filled in at the end, so the
// value is never held in memory whole.
func (c *Cache) putStream(kind, path string, content [32]byte, write func(e *cachefmt.Encoder)) {
	if c == nil {
		return
	}
	name := c.slot(kind, path)
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return
	}
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return
	}
	key := c.key(kind, content)
	head := make([]byte, 0, entryHead)
	head = append(head, entryMagic...)
	head = append(head, c.salt[:]...)
	head = append(head, key[:]...)
	m := hmac.New(sha256.New, c.mac)
	m.Write(head)
	head = head[:entryHead] // the HMAC's place, written last
	_, err = f.Write(head)
	if err == nil {
		e := cachefmt.NewStream(io.MultiWriter(f, m))
		write(e)
		err = e.Flush()
	}
	if err == nil {
		_, err = f.WriteAt(m.Sum(nil), int64(entryHead-sha256.Size))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
	}
}

// Entries unread for this long are removed, at most once a day: slots are
// per topic file path, so they only pile up for decks that are gone.
const (
	cacheMaxAge     = 30 * 24 * time.Hour
	cachePruneEvery = 24 * time.Hour
)

func (c *Cache) prune(now time.Time) {
	stamp := filepath.Join(c.dir, "pruned")
	if fi, err := os.Stat(stamp); err == nil && now.Sub(fi.ModTime()) < cachePruneEvery {
		return
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return
	}
	if err := os.WriteFile(stamp, nil, 0o644); err != nil {
		return
	}
	kinds, _ := os.ReadDir(c.dir)
	for _, k := range kinds {
		if !k.IsDir() {
			continue
		}
		entries, _ := os.ReadDir(filepath.Join(c.dir, k.Name()))
		for _, e := range entries {
			if fi, err := e.Info(); err == nil && now.Sub(fi.ModTime()) > cacheMaxAge {
				os.Remove(filepath.Join(c.dir, k.Name(), e.Name()))
			}
		}
	}
}

// Kinds of rendered entries: a file's cards with their HTML, or (for
// validation) only what the sanitizer strips from them.
const (
	htmlKind  = "html"
	checkKind = "check"
	// renderFormat changes whenever the encoding below does.
	renderFormat = 2
)

// fileGroup is the cards of one topic file, by index in the deck.
type fileGroup struct {
	file  string
	cards []int
}

func groupByFile(d *cards.Deck) []fileGroup {
	var out []fileGroup
	at := map[string]int{}
	for i, c := range d.Cards {
		g, ok := at[c.File]
		if !ok {
			g = len(out)
			at[c.File] = g
			out = append(out, fileGroup{file: c.File})
		}
		out[g].cards = append(out[g].cards, i)
	}
	return out
}

// renderDeck renders every card of d like exporters.Render, taking each
// topic file's cards from the cache when the file is unchanged and storing
// the others. done is told how many cards are ready, as they are.
func renderDeck(d *cards.Deck, r *render.Renderer, c *Cache, done func(n int)) (*exporters.Rendered, error) {
	fields := make([]exporters.Fields, len(d.Cards))
	stripped := make([]exporters.Stripped, len(d.Cards))
	err := fillDeck(d, c, htmlKind, done,
		func(dec *cachefmt.Decoder, i int) {
			f := exporters.Fields{Question: dec.Str(), Answer: dec.Str(), Extra: dec.Str(), Values: dec.Strs()}
			if len(f.Values) == 0 {
				f.Values = nil
			}
			s := decodeStripped(dec)
			if i >= 0 {
				fields[i], stripped[i] = f, s
			}
		},
		func(i int) (err error) {
			fields[i], stripped[i], err = exporters.RenderCard(r, d.Cards[i])
			return err
		},
		func(e *cachefmt.Encoder, i int) {
			f, s := fields[i], stripped[i]
			e.Str(f.Question)
			e.Str(f.Answer)
			e.Str(f.Extra)
			e.Strs(f.Values)
			encodeStripped(e, s)
		})
	if err != nil {
		return nil, err
	}
	if c != nil {
		// What validation reads, so a validate after a build costs no rendering.
		storeChecks(d, c, stripped)
	}
	return exporters.NewRendered(d.Cards, fields, stripped), nil
}

// checkDeck returns the sanitizer warnings of every card of d, as
// renderDeck would, rendering only what could be stripped (exporters.CheckCard).
func checkDeck(d *cards.Deck, r *render.Renderer, c *Cache, done func(n int)) (cards.Diagnostics, error) {
	stripped := make([]exporters.Stripped, len(d.Cards))
	err := fillDeck(d, c, checkKind, done,
		func(dec *cachefmt.Decoder, i int) {
			s := decodeStripped(dec)
			if i >= 0 {
				stripped[i] = s
			}
		},
		func(i int) (err error) {
			stripped[i], err = exporters.CheckCard(r, d.Cards[i])
			return err
		},
		func(e *cachefmt.Encoder, i int) { encodeStripped(e, stripped[i]) })
	if err != nil {
		return nil, err
	}
	var warns cards.Diagnostics
	for i, c := range d.Cards {
		warns = append(warns, stripped[i].Warnings(c)...)
	}
	return warns, nil
}

func encodeStripped(e *cachefmt.Encoder, s exporters.Stripped) {
	e.Uint(uint64(len(s)))
	for _, ss := range s {
		e.Strs(ss)
	}
}

func decodeStripped(dec *cachefmt.Decoder) exporters.Stripped {
	s := make(exporters.Stripped, dec.Count())
	for i := range s {
		s[i] = dec.Strs()
	}
	return s
}

func storeChecks(d *cards.Deck, c *Cache, stripped []exporters.Stripped) {
	for _, grp := range groupByFile(d) {
		if sum, ok := fileKey(d, grp.file); ok {
			c.later(func() {
				if c.Get(checkKind, grp.file, sum) == nil {
					c.putStream(checkKind, grp.file, sum, encodeGroup(d, grp, make([]string, len(d.Cards)), func(e *cachefmt.Encoder, i int) { encodeStripped(e, stripped[i]) }))
				}
			})
		}
	}
}

// fillDeck resolves every card of d: a topic file's cards are read from
// its cache entry when the file is unchanged; after an edit, the cards whose
// Markdown is unchanged are read from the file's previous entry. The rest
// are computed on every core, and each changed file's entry is rewritten.
// Errors are reported for the first failing card in deck order.
func fillDeck(d *cards.Deck, c *Cache, kind string, done func(n int),
	read func(dec *cachefmt.Decoder, i int), compute func(i int) error, write func(e *cachefmt.Encoder, i int)) error {
	groups := groupByFile(d)
	hit := make([]bool, len(groups))
	have := make([]bool, len(d.Cards))
	hashes := make([]string, len(d.Cards))
	par.Do(len(groups), func(g int) {
		grp := groups[g]
		if c == nil {
			return
		}
		if sum, ok := fileKey(d, grp.file); ok {
			if b := c.Get(kind, grp.file, sum); b != nil && readGroup(d, b, grp, nil, have, read) {
				hit[g] = true
				done(len(grp.cards))
				return
			}
		}
		// Hashes of the cards' Markdown find the unchanged ones in the
		// previous entry; without one, the entry's writer computes them.
		if b := c.previous(kind, grp.file); b != nil {
			for _, i := range grp.cards {
				hashes[i] = sourceHash(d.Cards[i])
			}
			readGroup(d, b, grp, hashes, have, read)
		}
	})
	var todo []int
	for i := range d.Cards {
		if !have[i] {
			todo = append(todo, i)
		}
	}
	done(len(d.Cards) - len(todo) - countHits(groups, hit))
	errs := make([]error, len(d.Cards))
	var ready atomic.Int64
	par.Do(len(todo), func(k int) {
		i := todo[k]
		errs[i] = compute(i)
		// Report in small steps: the progress bar reads a counter, not every card.
		if ready.Add(1)%64 == 0 {
			done(64)
		}
	})
	done(int(ready.Load() % 64))
	for i, err := range errs {
		if err != nil {
			return exporters.CardError(d.Cards[i], err)
		}
	}
	if c == nil {
		return nil
	}
	for g, grp := range groups {
		if sum, ok := fileKey(d, grp.file); ok && !hit[g] {
			c.later(func() { c.putStream(kind, grp.file, sum, encodeGroup(d, grp, hashes, write)) })
		}
	}
	return nil
}

func countHits(groups []fileGroup, hit []bool) int {
	n := 0
	for g, grp := range groups {
		if hit[g] {
			n += len(grp.cards)
		}
	}
	return n
}

// readGroup reads an entry of grp's file. With hashes nil the entry is for
// the file's current content and must hold exactly its cards, in order;
// otherwise it is an older entry, and only cards with the same id and the
// same Markdown hash are taken. It reports whether every card was read.
func readGroup(d *cards.Deck, b []byte, grp fileGroup, hashes []string, have []bool, read func(dec *cachefmt.Decoder, i int)) bool {
	dec := cachefmt.NewDecoder(b)
	if dec.Uint() != renderFormat {
		return false
	}
	n := dec.Count()
	if hashes == nil && n != len(grp.cards) {
		return false
	}
	var at map[string]int
	if hashes != nil {
		at = make(map[string]int, len(grp.cards))
		for _, i := range grp.cards {
			at[d.Cards[i].ID] = i
		}
	}
	var got []int
	for k := 0; k < n; k++ {
		id, hash := dec.Str(), dec.Str()
		i := -1
		if hashes == nil {
			if id == d.Cards[grp.cards[k]].ID {
				i = grp.cards[k]
			}
		} else if j, ok := at[id]; ok && hashes[j] == hash {
			i = j
		}
		if hashes == nil && i < 0 {
			return false
		}
		read(dec, i)
		if i >= 0 {
			got = append(got, i)
		}
	}
	if dec.Err() != nil {
		return false // values read so far may be garbage; they are computed again
	}
	for _, i := range got {
		have[i] = true
	}
	return len(got) == len(grp.cards)
}

// fileKey is what a topic file's rendered entries are stored under: its
// content, and the declared note types' field lists, which decide how its
// cards' fields are ordered. A deck without declared types keys on the
// content alone.
func fileKey(d *cards.Deck, file string) ([32]byte, bool) {
	sum, ok := d.Sums[file]
	if !ok || len(d.Config.NoteTypes) == 0 {
		return sum, ok
	}
	h := sha256.New()
	h.Write(sum[:])
	for _, nt := range d.Config.NoteTypes {
		h.Write([]byte(nt.Slug + "\x00" + strings.Join(nt.FieldNames(), "\x1f") + "\x00"))
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out, true
}

// sourceHash identifies what a card's rendering depends on: its Markdown
// (and, for a declared note type, which fields it has).
func sourceHash(c *cards.Card) string {
	h := sha256.New()
	if c.NoteType != nil {
		h.Write([]byte(c.NoteType.Slug + "\x00" + strings.Join(c.NoteType.FieldNames(), "\x1f") + "\x00"))
	}
	for _, s := range c.Sources() {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	return string(h.Sum(nil)[:16])
}

// encodeGroup returns the writer of grp's entry.
func encodeGroup(d *cards.Deck, grp fileGroup, hashes []string, write func(e *cachefmt.Encoder, i int)) func(e *cachefmt.Encoder) {
	return func(e *cachefmt.Encoder) {
		e.Uint(renderFormat)
		e.Uint(uint64(len(grp.cards)))
		for _, i := range grp.cards {
			if hashes[i] == "" {
				hashes[i] = sourceHash(d.Cards[i])
			}
			e.Str(d.Cards[i].ID)
			e.Str(hashes[i])
			write(e, i)
		}
	}
}
