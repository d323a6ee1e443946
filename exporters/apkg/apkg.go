// Package apkg writes an Anki package (.apkg) that every Anki from 2.1.x to
// 25.x, AnkiDroid and AnkiMobile import, and that updates in place when a
// rebuilt deck is imported again.
//
// The layout is the legacy one (anki-format.md §1): a zip holding
// collection.anki2 (SQLite, schema 11), a media map and numbered media files.
// Identity comes from ankinote and cards.GUID, note mod times from the lock
// (package lock); docs/anki.md states the contract.
package apkg

import (
	"archive/zip"
	"context"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/ankinote"
	"github.com/cardgen/cardgen/internal/safefile"
	"github.com/cardgen/cardgen/lock"

	"github.com/mattn/go-sqlite3"
)

// Exporter writes .apkg files.
type Exporter struct{}

// Format implements exporters.Exporter.
func (Exporter) Format() string { return "apkg" }

// Extension implements exporters.Exporter.
func (Exporter) Extension() string { return ".apkg" }

// CheckOutputName refuses the file names Anki treats as a whole-collection
// backup: importing one replaces the learner's collection (§1.3, §0 rule 12).
func (Exporter) CheckOutputName(name string) error {
	base := strings.ToLower(filepath.Base(name))
	if base == "collection.apkg" || strings.HasPrefix(base, "backup-") && strings.HasSuffix(base, ".apkg") {
		return fmt.Errorf("Anki would import %s as a full collection backup, replacing the learner's collection; change [deck] id or the target name", filepath.Base(name))
	}
	return nil
}

// Export writes the package for in.Deck to w.
func (Exporter) Export(w io.Writer, in *exporters.Input) error {
	if in.Lock == nil {
		return errors.New("no lock: the apkg exporter needs the lock updated for this build (build.Run provides it)")
	}
	p, err := plan(in)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "cardgen-apkg-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dbPath := filepath.Join(dir, "collection.anki2")
	if err := p.writeCollection(dbPath); err != nil {
		return fmt.Errorf("collection.anki2: %w", err)
	}
	return p.writeZip(w, dbPath)
}

// pkg is one package, planned: which notes, with which ids, in which decks.
type pkg struct {
	in    *exporters.Input
	cfg   *cards.Config
	media map[string]string // image reference -> packaged name, for the selected cards
	// rows are the notes in ascending id order, the order they are written in.
	rows    []row
	decks   []int64 // ascending
	deckMap map[int64]deckJSON
	topics  map[string]int64 // topic id -> deck id
	retired int64            // deck id of retired notes
	mod     int64            // newest mod of anything in the package, in seconds
}

// row is one note to write: a card of the selection or a retired card.
type row struct {
	nid     int64
	pos     int // new-card position, in set order
	card    *cards.Card
	retired string // card id of a retired card, when card is nil
}

// plan assigns note ids, positions and decks. Nothing is rendered yet: rows
// are built one at a time while writing, so memory stays flat.
func plan(in *exporters.Input) (*pkg, error) {
	cfg := in.Deck.Config
	p := &pkg{in: in, cfg: cfg, deckMap: map[int64]deckJSON{}, topics: map[string]int64{}}
	var err error
	if p.media, err = mediaNames(in.Deck); err != nil {
		return nil, err
	}

	// Retired notes ride with the full deck only: a per-topic package is a
	// subset, and a learner of the full deck is the one holding them (docs/anki.md).
	withRetired := len(in.Deck.Cards) == len(in.Full.Cards)
	ids := noteIDs(cfg.Deck.Namespace, in.Full, in.Lock)
	p.rows = make([]row, 0, len(in.Deck.Cards))
	var lockIDs []string
	for i, c := range in.Deck.Cards {
		p.rows = append(p.rows, row{nid: ids[c.ID], pos: i + 1, card: c})
		lockIDs = append(lockIDs, c.ID)
	}
	if withRetired {
		for _, id := range sortedKeys(in.Lock.Retired) {
			p.rows = append(p.rows, row{nid: ids[id], pos: len(p.rows) + 1, retired: id})
			lockIDs = append(lockIDs, id)
		}
	}
	slices.SortFunc(p.rows, func(a, b row) int { return cmpInt(a.nid, b.nid) })
	p.mod = in.Lock.MaxMod(lockIDs)

	root := ankinote.RootDeckName(cfg)
	p.addDeck(1, "Default", "")
	p.addDeck(ankinote.DeckID(cfg.Deck.Namespace, root), root, cfg.Deck.Description)
	for _, c := range in.Deck.Cards {
		if _, ok := p.topics[c.Topic]; !ok {
			name := ankinote.DeckName(cfg, c.Topic)
			id := ankinote.DeckID(cfg.Deck.Namespace, name)
			p.topics[c.Topic] = id
			p.addDeck(id, name, "")
		}
	}
	if withRetired && len(in.Lock.Retired) > 0 {
		name := ankinote.RetiredDeckName(cfg)
		p.retired = ankinote.DeckID(cfg.Deck.Namespace, name)
		p.addDeck(p.retired, name, "")
	}
	slices.Sort(p.decks)
	return p, nil
}

func (p *pkg) addDeck(id int64, name, desc string) {
	if _, dup := p.deckMap[id]; !dup {
		p.decks = append(p.decks, id)
	}
	p.deckMap[id] = deck(id, name, desc, p.mod)
}

// noteIDs gives every card of the full deck and every tombstone its note id.
// ankinote.NoteID can collide; resolving over the full deck, in card id
// order, gives a subset build the same ids as the full build.
func noteIDs(namespace string, full *cards.Deck, l *lock.Lock) map[string]int64 {
	ids := make([]string, 0, len(full.Cards)+len(l.Retired))
	for _, c := range full.Cards {
		ids = append(ids, c.ID)
	}
	for id := range l.Retired {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make(map[string]int64, len(ids))
	used := make(map[int64]bool, len(ids))
	for _, id := range ids {
		n := ankinote.NoteID(namespace, id)
		// Card ids are nid+ord, so ids stay 1000 apart; still a past millisecond time (§2.5).
		for used[n] {
			n += 1000
		}
		used[n] = true
		out[id] = n
	}
	return out
}

func (p *pkg) deckOf(r row) int64 {
	if r.card == nil {
		return p.retired
	}
	return p.topics[r.card.Topic]
}

// writeCollection writes collection.anki2: one transaction, prepared
// statements, rows in id order so every b-tree is appended to. It talks to
// the go-sqlite3 driver directly: database/sql's per-row bookkeeping costs
// more than SQLite's own work on a large deck.
func (p *pkg) writeCollection(path string) (err error) {
	dc, err := (&sqlite3.SQLiteDriver{}).Open("file:" + path)
	if err != nil {
		return err
	}
	db := &conn{dc.(*sqlite3.SQLiteConn)}
	defer func() {
		if cerr := db.c.Close(); err == nil {
			err = cerr
		}
	}()
	// journal_mode=DELETE leaves no -wal file and a rollback-journal header (§1.1);
	// synchronous=OFF because the file is a temporary copy until zipped.
	for _, pragma := range []string{
		"PRAGMA page_size=4096", "PRAGMA journal_mode=DELETE", "PRAGMA synchronous=OFF",
		"PRAGMA cache_size=-16384", "PRAGMA temp_store=MEMORY",
	} {
		if err := db.exec(pragma); err != nil {
			return fmt.Errorf("%s: %w", pragma, err)
		}
	}
	if err := db.exec("BEGIN"); err != nil {
		return err
	}
	if err := db.exec(schemaTables + notesIndexes); err != nil {
		return err
	}
	if err := p.writeCol(db); err != nil {
		return err
	}
	if err := p.writeNotes(db); err != nil {
		return err
	}
	if err := db.exec(otherIndexes); err != nil {
		return err
	}
	return db.exec("COMMIT")
}

// conn is a go-sqlite3 connection with the few calls the exporter needs.
type conn struct{ c *sqlite3.SQLiteConn }

func (db *conn) exec(query string, args ...driver.Value) error {
	_, err := db.c.Exec(query, args)
	return err
}

// stmt is a prepared statement whose argument slice is reused row after row.
type stmt struct {
	s    driver.StmtExecContext
	args []driver.NamedValue
}

func (db *conn) prepare(query string) (*stmt, error) {
	s, err := db.c.Prepare(query)
	if err != nil {
		return nil, err
	}
	args := make([]driver.NamedValue, s.NumInput())
	for i := range args {
		args[i].Ordinal = i + 1
	}
	return &stmt{s: s.(driver.StmtExecContext), args: args}, nil
}

func (st *stmt) exec(vals ...driver.Value) error {
	for i, v := range vals {
		st.args[i].Value = v
	}
	_, err := st.s.ExecContext(context.Background(), st.args)
	return err
}

func (st *stmt) close() { st.s.(driver.Stmt).Close() }

func (p *pkg) writeCol(db *conn) error {
	nts := ankinote.All(p.cfg)
	root := ankinote.DeckID(p.cfg.Deck.Namespace, ankinote.RootDeckName(p.cfg))
	models := map[int64]modelJSON{}
	var mids []int64
	for _, nt := range nts {
		css := cssOf(nt)
		e, ok := p.in.Lock.NoteTypes[string(nt.Kind)]
		if !ok || e.Hash != noteTypeHash(nt, css) {
			return fmt.Errorf("note type '%s' is not up to date in the lock; the lock must be updated before export", nt.Kind)
		}
		models[nt.ID] = model(nt, e.Mod, root, css)
		mids = append(mids, nt.ID)
	}
	slices.Sort(mids)
	modelsJSON, err := idMap(mids, models)
	if err != nil {
		return err
	}
	decksJSON, err := idMap(p.decks, p.deckMap)
	if err != nil {
		return err
	}
	dconf, err := idMap([]int64{1}, map[int64]dconfJSON{1: defaultDeckConf()})
	if err != nil {
		return err
	}
	conf := collectionConf(ankinote.For(p.cfg, cards.Basic).ID, len(p.rows)+1)
	// mod and scm are milliseconds (§2.2); from the lock, never the clock.
	return db.exec(`INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')`,
		int64(collectionCreated), p.mod*1000, p.mod*1000, string(conf), string(modelsJSON), string(decksJSON), string(dconf))
}

func (p *pkg) writeNotes(db *conn) error {
	// flds and sfld arrive as bytes from a reused buffer; CAST stores them as TEXT, as Anki does.
	insNote, err := db.prepare(`INSERT INTO notes VALUES (?, ?, ?, ?, -1, ?, CAST(? AS TEXT), CAST(? AS TEXT), ?, 0, '')`)
	if err != nil {
		return err
	}
	defer insNote.close()
	// New cards only: type 0, queue 0, due = position, scheduling zeroed (§0 rule 5).
	insCard, err := db.prepare(`INSERT INTO cards VALUES (?, ?, ?, ?, ?, -1, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, '')`)
	if err != nil {
		return err
	}
	defer insCard.close()

	batches, stop := p.noteRows()
	defer stop()
	for b := range batches {
		<-b.done
		if b.err != nil {
			return b.err
		}
		for _, r := range b.out {
			flds, sfld := b.arena[r.flds[0]:r.flds[1]], b.arena[r.flds[1]:r.sfldEnd]
			if err := insNote.exec(r.nid, r.guid, r.mid, r.mod, r.tags, flds, sfld, r.csum); err != nil {
				return fmt.Errorf("note %s: %w", r.id, err)
			}
			for _, ord := range r.ords {
				if err := insCard.exec(r.nid+int64(ord), r.nid, r.did, int64(ord), r.mod, int64(r.pos)); err != nil {
					return fmt.Errorf("card %s ord %d: %w", r.id, ord, err)
				}
			}
		}
		b.release()
	}
	return nil
}

// noteRow is one note ready to insert; its flds and sfld lie in the batch's arena.
type noteRow struct {
	id, guid, tags           string
	nid, mid, mod, csum, did int64
	flds                     [2]int // arena[flds[0]:flds[1]] is flds
	sfldEnd                  int    // arena[flds[1]:sfldEnd] is sfld
	pos                      int
	ords                     []int
}

type rowBatch struct {
	rows  []row
	out   []noteRow
	arena []byte
	err   error
	done  chan struct{}
}

// arenas recycles the batches' text buffers, so writing a large deck
// allocates little beyond what the rows themselves hold.
var arenas = sync.Pool{New: func() any { return new([]byte) }}

func (b *rowBatch) release() {
	a := b.arena[:0]
	b.arena = nil
	arenas.Put(&a)
}

// noteRows builds the rows on every core while the caller inserts them,
// and hands them over in order, so the file stays the same whatever the
// scheduling. stop releases the workers when the caller gives up early.
func (p *pkg) noteRows() (<-chan *rowBatch, func()) {
	const batchSize = 256
	ordered := make(chan *rowBatch, 2*runtime.GOMAXPROCS(0))
	work := make(chan *rowBatch)
	quit := make(chan struct{})
	go func() {
		defer close(ordered)
		defer close(work)
		for i := 0; i < len(p.rows); i += batchSize {
			b := &rowBatch{rows: p.rows[i:min(i+batchSize, len(p.rows))], done: make(chan struct{})}
			select {
			case work <- b:
			case <-quit:
				return
			}
			select {
			case ordered <- b:
			case <-quit:
				return
			}
		}
	}()
	for range runtime.GOMAXPROCS(0) {
		go func() {
			x := newHasher()
			for b := range work {
				b.arena = (*arenas.Get().(*[]byte))[:0]
				b.err = p.buildRows(b, x)
				close(b.done)
			}
		}()
	}
	var once sync.Once
	return ordered, func() { once.Do(func() { close(quit) }) }
}

// buildRows builds the notes of a batch, checking every card against the lock.
func (p *pkg) buildRows(b *rowBatch, x *hasher) error {
	ns := p.cfg.Deck.Namespace
	b.out = make([]noteRow, len(b.rows))
	var hexSum [32]byte
	for i, r := range b.rows {
		var n note
		var mod int64
		id := r.retired
		var guid string
		if r.card == nil {
			t := p.in.Lock.Retired[r.retired]
			n, mod = retiredNote(p.cfg, r.retired, t), t.Mod
			guid = ankinote.GUIDOf(ns, id, t.GUID)
		} else {
			c := r.card
			id = c.ID
			guid = ankinote.GUID(ns, c)
			n = cardNote(p.cfg, c, p.in.HTML.Get(c.ID), mediaFor(c, p.media))
		}
		start := len(b.arena)
		b.arena = appendFields(b.arena, n.fields)
		mid := len(b.arena)
		if r.card != nil {
			sum := x.sum(n.nt.ID, b.arena[start:mid], n.tags)
			hex.Encode(hexSum[:], sum[:])
			e, ok := p.in.Lock.Cards[id]
			if !ok || e.Hash != string(hexSum[:]) {
				// A stale entry would ship changed content under an old mod, which Anki ignores (§0 rule 4).
				return fmt.Errorf("%s:%d: card '%s' is not up to date in the lock; the lock must be updated before export", r.card.File, r.card.Line, id)
			}
			mod = e.Mod
		}
		b.arena = appendStripHTMLMedia(b.arena, n.fields[n.nt.SortField])
		b.out[i] = noteRow{
			id: id, guid: guid, tags: n.tags, csum: fieldChecksum(n.fields[0]),
			nid: r.nid, mid: n.nt.ID, mod: mod, did: p.deckOf(r), pos: r.pos, ords: n.ords,
			flds: [2]int{start, mid}, sfldEnd: len(b.arena),
		}
	}
	return nil
}

// writeZip streams the package: collection.anki2, the media map, then the
// numbered media files (§1.1), in a fixed order with a fixed time.
func (p *pkg) writeZip(w io.Writer, dbPath string) error {
	zw := zip.NewWriter(w)
	// A large collection deflates on every core at BestSpeed, for a few percent in size.
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return newParallelDeflate(out), nil
	})
	// The newest mod of the package's content, so the bytes depend on the inputs and the lock only.
	mtime := time.Unix(max(p.mod, 315532800), 0).UTC() // zip times start in 1980

	media, err := p.mediaFiles()
	if err != nil {
		return err
	}
	add := func(name string, write func(io.Writer) error) error {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mtime})
		if err != nil {
			return err
		}
		return write(fw)
	}
	if err := add("collection.anki2", func(fw io.Writer) error { return copyCollection(fw, dbPath) }); err != nil {
		return err
	}
	if err := add("media", func(fw io.Writer) error { _, err := fw.Write(mediaMap(media)); return err }); err != nil {
		return err
	}
	for i, m := range media {
		if err := add(strconv.Itoa(i), func(fw io.Writer) error { return copyFile(fw, m.path) }); err != nil {
			return fmt.Errorf("%s: %w", m.path, err)
		}
	}
	return zw.Close()
}

type mediaFile struct{ name, path string }

// mediaFiles lists the packaged media of the selection by name, checking
// that no file lies outside the cards folder, even through a symbolic link.
func (p *pkg) mediaFiles() ([]mediaFile, error) {
	root, err := filepath.EvalSymlinks(p.cfg.CardsDir())
	if err != nil {
		return nil, err
	}
	byName := map[string]string{}
	for _, c := range p.in.Deck.Cards {
		for _, m := range c.Media {
			real, err := filepath.EvalSymlinks(m.Path)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: card '%s': image '%s': %w", c.File, c.Line, c.ID, m.Ref, err)
			}
			if rel, err := filepath.Rel(root, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return nil, fmt.Errorf("%s:%d: card '%s': image '%s' lies outside the cards folder %s", c.File, c.Line, c.ID, m.Ref, root)
			}
			byName[p.media[m.Ref]] = m.Path
		}
	}
	out := make([]mediaFile, 0, len(byName))
	for _, name := range sortedKeys(byName) {
		out = append(out, mediaFile{name: name, path: byName[name]})
	}
	return out, nil
}

// mediaMap is the "media" entry: zip entry number -> file name, {} when empty (§1.1).
func mediaMap(media []mediaFile) []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range media {
		if i > 0 {
			b.WriteByte(',')
		}
		v, _ := marshal(m.name)
		fmt.Fprintf(&b, `"%d":%s`, i, v)
	}
	b.WriteByte('}')
	return []byte(b.String())
}

// copyCollection copies the collection this exporter just wrote in its own
// temporary folder: it is as large as the deck, so not under the media cap.
func copyCollection(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func copyFile(w io.Writer, path string) error {
	f, err := safefile.Open(path, cards.MaxMediaBytes)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
