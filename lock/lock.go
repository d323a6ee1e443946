// Package lock reads, updates and writes cardgen.lock, the file committed
// beside config.toml that pins every Anki note's modification time.
//
// Anki updates an existing note on re-import only when the incoming mod is
// newer (anki-format.md §0 rule 4, §3.4). The lock records, per card id, a
// hash of what the package carries for that note and the time it last
// changed, so mod moves when, and only when, the content does. Cards that
// leave the set become tombstones, so the package can still carry them as
// retired notes instead of letting them vanish silently. docs/anki.md
// describes the contract.
package lock

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cardgen/cardgen/internal/faultinject"
	"github.com/cardgen/cardgen/internal/par"
	"github.com/cardgen/cardgen/internal/safefile"
	jsonv2 "github.com/go-json-experiment/json"
)

// Version is the lock file format written by this cardgen.
const Version = 1

// MaxBytes caps the lock file read (the lock of 300,000 cards is 114 MB).
const MaxBytes = 1 << 30

// Lock is the content of cardgen.lock.
type Lock struct {
	Version int
	// NoteTypes is keyed by note type kind ("basic", "reversed", "cloze").
	NoteTypes map[string]Entry
	// Cards is keyed by card id.
	Cards map[string]Card
	// Retired holds the cards that left the set, keyed by card id.
	Retired map[string]Retired
}

// Entry is a content hash and the time, in seconds, it last changed.
type Entry struct {
	Hash string `json:"hash"`
	Mod  int64  `json:"mod"`
}

// Card is the lock entry of a card in the set. Besides its hash and mod it
// keeps what the retired note will need once the card has left the set.
type Card struct {
	Hash string `json:"hash"`
	Mod  int64  `json:"mod"`
	// Type is the card type, which fixes the note type the retired note must keep.
	Type  string `json:"type"`
	Topic string `json:"topic"`
	// Question is the question as plain text.
	Question string `json:"question"`
	// Topics are the card's additional topics, comma-separated in topic file
	// order (a string keeps Card comparable); absent when it has none.
	Topics string `json:"topics,omitempty"`
	// GUID is the card's own guid (a note brought from Anki), which the
	// retired note must keep; absent for a GUID derived from the card id.
	GUID string `json:"guid,omitempty"`
}

// Retired is a tombstone: a card that was in the set and no longer is.
type Retired struct {
	Type     string `json:"type"`
	Topic    string `json:"topic"`
	Question string `json:"question"`
	// Mod is the retirement time: the retired note's mod, later than any mod the card had.
	Mod int64 `json:"mod"`
	// GUID is the card's own guid, when it had one (see Card.GUID).
	GUID string `json:"guid,omitempty"`
}

// New returns an empty lock.
func New() *Lock {
	return &Lock{Version: Version, NoteTypes: map[string]Entry{}, Cards: map[string]Card{}, Retired: map[string]Retired{}}
}

type fileDoc struct {
	Version   int                `json:"version"`
	NoteTypes map[string]Entry   `json:"note_types"`
	Cards     map[string]Card    `json:"cards"`
	Retired   map[string]Retired `json:"retired"`
}

// Load reads the lock at path. A missing file gives an empty lock, as for a
// deck that was never built.
func Load(path string) (*Lock, error) {
	data, err := safefile.ReadFile(path, MaxBytes)
	if errors.Is(err, os.ErrNotExist) {
		return New(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	l, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// Parse decodes a lock file's bytes. It uses the JSON v2 decoder
// (github.com/go-json-experiment/json), three times faster than
// encoding/json on the lock of a large deck; it also refuses duplicate keys
// and invalid UTF-8.
func Parse(data []byte) (*Lock, error) {
	var doc fileDoc
	if err := jsonv2.Unmarshal(data, &doc, jsonv2.RejectUnknownMembers(true)); err != nil {
		return nil, fmt.Errorf("not a valid lock file (%v); restore it from version control, or delete it to start over (every note's mod is then reset)", err)
	}
	if doc.Version != Version {
		return nil, fmt.Errorf("lock file version %d, this cardgen reads version %d", doc.Version, Version)
	}
	l := &Lock{Version: Version, NoteTypes: doc.NoteTypes, Cards: doc.Cards, Retired: doc.Retired}
	if l.NoteTypes == nil {
		l.NoteTypes = map[string]Entry{}
	}
	if l.Cards == nil {
		l.Cards = map[string]Card{}
	}
	if l.Retired == nil {
		l.Retired = map[string]Retired{}
	}
	if err := l.check(); err != nil {
		return nil, err
	}
	return l, nil
}

// Marshal encodes the lock with sorted keys, one entry per line and a
// trailing newline, so the same lock always gives the same bytes and a
// changed card is a one-line diff.
func (l *Lock) Marshal() []byte {
	parts := [][]byte{[]byte("{\n  \"version\": " + strconv.Itoa(l.Version) + ",\n")}
	parts = appendMap(parts, "note_types", l.NoteTypes, false)
	parts = appendMap(parts, "cards", l.Cards, false)
	parts = appendMap(parts, "retired", l.Retired, true)
	parts = append(parts, []byte("}\n"))
	// One allocation of the final size: growing a buffer to 38 MB (100,000
	// cards) copied it several times and kept the collector busy.
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// appendMap appends the pieces of one map of the lock to parts.
func appendMap[V any](parts [][]byte, name string, m map[string]V, last bool) [][]byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts = append(parts, append(appendString([]byte("  "), name), ": {"...))
	// Entries are encoded in chunks on every core, then joined in key order.
	const chunk = 4096
	first := len(parts)
	parts = append(parts, make([][]byte, (len(keys)+chunk-1)/chunk)...)
	par.Do(len(parts)-first, func(p int) {
		var out []byte
		for i := p * chunk; i < min((p+1)*chunk, len(keys)); i++ {
			if i > 0 {
				out = append(out, ',')
			}
			out = append(out, "\n    "...)
			out = appendString(out, keys[i])
			out = append(out, ": "...)
			out = appendValue(out, m[keys[i]])
		}
		parts[first+p] = out
	})
	end := "}"
	if len(keys) > 0 {
		end = "\n  }"
	}
	if !last {
		end += ","
	}
	return append(parts, []byte(end+"\n"))
}

// appendValue appends v as encoding/json writes it (without HTML escaping):
// fields in declaration order, omitempty honoured. A test holds the two equal.
func appendValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case Entry:
		b = appendField(b, '{', "hash", v.Hash)
		b = appendInt(b, "mod", v.Mod)
	case Card:
		b = appendField(b, '{', "hash", v.Hash)
		b = appendInt(b, "mod", v.Mod)
		b = appendField(b, ',', "type", v.Type)
		b = appendField(b, ',', "topic", v.Topic)
		b = appendField(b, ',', "question", v.Question)
		if v.Topics != "" {
			b = appendField(b, ',', "topics", v.Topics)
		}
		if v.GUID != "" {
			b = appendField(b, ',', "guid", v.GUID)
		}
	case Retired:
		b = appendField(b, '{', "type", v.Type)
		b = appendField(b, ',', "topic", v.Topic)
		b = appendField(b, ',', "question", v.Question)
		b = appendInt(b, "mod", v.Mod)
		if v.GUID != "" {
			b = appendField(b, ',', "guid", v.GUID)
		}
	default:
		return append(b, jsonValue(v)...)
	}
	return append(b, '}')
}

func appendField(b []byte, sep byte, name, val string) []byte {
	b = append(b, sep, '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendString(b, val)
}

func appendInt(b []byte, name string, val int64) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return strconv.AppendInt(b, val, 10)
}

// appendString appends s as a JSON string. Strings of printable ASCII and
// valid UTF-8 other than '"', '\\', U+2028 and U+2029 are quoted as they
// are; the rest go through encoding/json, so the bytes are always its bytes.
func appendString(b []byte, s string) []byte {
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' {
			return append(b, jsonValue(s)...)
		}
		ascii = ascii && c < 0x80
	}
	if !ascii && !plainUTF8(s) {
		return append(b, jsonValue(s)...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plainUTF8 reports whether s is valid UTF-8 without U+2028 or U+2029, which encoding/json escapes.
func plainUTF8(s string) bool {
	return utf8.ValidString(s) && !strings.Contains(s, "\u2028") && !strings.Contains(s, "\u2029")
}

func jsonValue(v any) []byte {
	var b bytes.Buffer
	if err := newEncoder(&b).Encode(v); err != nil {
		panic(err) // only plain structs of strings and ints are encoded
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func newEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	// Questions stay readable in diffs: no \u003c for '<'.
	enc.SetEscapeHTML(false)
	return enc
}

// Save writes the lock to path atomically: a temporary file in the same
// folder, then a rename.
func (l *Lock) Save(path string) error {
	tmp, err := WriteTemp(path, l.Marshal())
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// WriteTemp writes data to a new temporary file beside path and returns its
// name; the caller renames it over path (or removes it).
func WriteTemp(path string, data []byte) (string, error) {
	if err := faultinject.At(faultinject.Point("create", path)); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".cardgen-lock-*.tmp")
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	err = faultinject.At(faultinject.Point("write", path))
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = faultinject.At(faultinject.Point("sync", path))
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return f.Name(), nil
}

// Equal reports whether two locks encode to the same bytes.
func (l *Lock) Equal(o *Lock) bool { return bytes.Equal(l.Marshal(), o.Marshal()) }

// CardState is what a build computed for one card of the full set.
type CardState struct {
	ID       string
	Hash     string
	Type     string
	Topic    string
	Question string
	// Topics are the additional topics, besides Topic.
	Topics []string
	// GUID is the card's own guid, "" when derived from its id.
	GUID string
}

// ChangeKind says how an entry changed.
type ChangeKind string

// The kinds of change Update reports.
const (
	Added    ChangeKind = "added"
	Changed  ChangeKind = "changed"
	Restored ChangeKind = "restored" // a retired card came back
	Retire   ChangeKind = "retired"
	Moved    ChangeKind = "moved" // same content, but the recorded topic or type differs
	NoteType ChangeKind = "note type changed"
)

// Change is one entry Update changed.
type Change struct {
	ID   string // card id, or note type kind for NoteType
	Kind ChangeKind
}

func (c Change) String() string { return c.ID + " (" + string(c.Kind) + ")" }

// Update returns the lock for the given full set of cards and note type
// hashes, and what changed. now is the build time in seconds
// (SOURCE_DATE_EPOCH or the clock). An entry whose hash is unchanged keeps
// its mod; one that changes gets max(now, previous mod + 1), so a mod never
// goes backwards or stays put when the content moved (anki-format.md §3.4).
// Cards in l but not in cs become tombstones; tombstones already in l stay.
// l is not modified.
func (l *Lock) Update(cs []CardState, noteTypes map[string]string, now int64) (*Lock, []Change) {
	next := New()
	var changes []Change
	bump := func(prev int64) int64 { return max(now, prev+1) }

	kinds := make([]string, 0, len(noteTypes))
	for k := range noteTypes {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		h := noteTypes[k]
		prev, ok := l.NoteTypes[k]
		switch {
		case ok && prev.Hash == h:
			next.NoteTypes[k] = prev
		case ok:
			next.NoteTypes[k] = Entry{Hash: h, Mod: bump(prev.Mod)}
			changes = append(changes, Change{ID: k, Kind: NoteType})
		default:
			next.NoteTypes[k] = Entry{Hash: h, Mod: now}
			changes = append(changes, Change{ID: k, Kind: NoteType})
		}
	}

	for _, c := range cs {
		e := Card{Hash: c.Hash, Type: c.Type, Topic: c.Topic, Question: c.Question, Topics: strings.Join(c.Topics, ","), GUID: c.GUID}
		prev, inSet := l.Cards[c.ID]
		tomb, retired := l.Retired[c.ID]
		switch {
		case inSet && prev.Hash == c.Hash:
			e.Mod = prev.Mod
			if prev != e {
				changes = append(changes, Change{ID: c.ID, Kind: Moved})
			}
		case inSet:
			e.Mod = bump(prev.Mod)
			changes = append(changes, Change{ID: c.ID, Kind: Changed})
		case retired:
			// The learner's note carries the retired text at tomb.Mod; only a newer mod restores it.
			e.Mod = bump(tomb.Mod)
			changes = append(changes, Change{ID: c.ID, Kind: Restored})
		default:
			e.Mod = now
			changes = append(changes, Change{ID: c.ID, Kind: Added})
		}
		next.Cards[c.ID] = e
	}

	for id, prev := range l.Cards {
		if _, ok := next.Cards[id]; ok {
			continue
		}
		next.Retired[id] = Retired{Type: prev.Type, Topic: prev.Topic, Question: prev.Question, Mod: bump(prev.Mod), GUID: prev.GUID}
		changes = append(changes, Change{ID: id, Kind: Retire})
	}
	for id, t := range l.Retired {
		if _, back := next.Cards[id]; !back {
			next.Retired[id] = t
		}
	}
	// Note types first, then cards by id.
	slices.SortFunc(changes, func(a, b Change) int {
		if an, bn := a.Kind == NoteType, b.Kind == NoteType; an != bn {
			if an {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	return next, changes
}

// MaxMod returns the newest mod of the note types and of the given cards and
// tombstones (all of them when ids is nil): a deterministic "last changed"
// time for a package built from them.
func (l *Lock) MaxMod(ids []string) int64 {
	var m int64
	for _, e := range l.NoteTypes {
		m = max(m, e.Mod)
	}
	if ids == nil {
		for _, c := range l.Cards {
			m = max(m, c.Mod)
		}
		for _, r := range l.Retired {
			m = max(m, r.Mod)
		}
		return m
	}
	for _, id := range ids {
		if c, ok := l.Cards[id]; ok {
			m = max(m, c.Mod)
		} else if r, ok := l.Retired[id]; ok {
			m = max(m, r.Mod)
		}
	}
	return m
}

// Plan is the lock a build will write, compared with the file on disk.
type Plan struct {
	Path    string
	Next    *Lock
	Changes []Change
	// Stale is true when the file on disk differs from Next (or is missing).
	Stale bool
	// Data is Next marshaled, the bytes to write when Stale.
	Data    []byte
	missing bool
}

// Prepare loads the lock at path and updates it for the full set (see Update).
func Prepare(path string, cs []CardState, noteTypes map[string]string, now int64) (*Plan, error) {
	cur, err := ReadCurrent(path)
	if err != nil {
		return nil, err
	}
	return cur.Prepare(cs, noteTypes, now), nil
}

// Current is the lock file on disk, read before the build updates it, so a
// build can read and parse it while it is busy with the cards.
type Current struct {
	path string
	// sum is the SHA-256 of the file's bytes, kept instead of the bytes
	// (38 MB for 100,000 cards) to tell whether the new lock differs.
	sum     [sha256.Size]byte
	lock    *Lock
	missing bool
}

// ReadCurrent reads and parses the lock file at path; a missing file is an empty lock.
func ReadCurrent(path string) (*Current, error) {
	data, err := safefile.ReadFile(path, MaxBytes)
	missing := errors.Is(err, os.ErrNotExist)
	if err != nil && !missing {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	prev := New()
	if !missing {
		if prev, err = Parse(data); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return &Current{path: path, sum: sha256.Sum256(data), lock: prev, missing: missing}, nil
}

// Path is where the lock file is.
func (c *Current) Path() string { return c.path }

// Prepare updates the lock for the full set (see Update).
func (c *Current) Prepare(cs []CardState, noteTypes map[string]string, now int64) *Plan {
	next, changes := c.lock.Update(cs, noteTypes, now)
	data := next.Marshal()
	return &Plan{Path: c.path, Next: next, Changes: changes, Stale: c.missing || sha256.Sum256(data) != c.sum, Data: data, missing: c.missing}
}

// OutOfDate is the error of a --locked build whose lock would change.
func (p *Plan) OutOfDate() error {
	if p.missing {
		return fmt.Errorf("%s does not exist; run 'cardgen build' and commit it", p.Path)
	}
	if len(p.Changes) == 0 {
		return fmt.Errorf("%s is not in its canonical form; run 'cardgen build' and commit it", p.Path)
	}
	const show = 20
	var items []string
	for i, c := range p.Changes {
		if i == show {
			items = append(items, fmt.Sprintf("and %d more", len(p.Changes)-show))
			break
		}
		items = append(items, c.String())
	}
	return fmt.Errorf("%s is out of date (--locked): %s; run 'cardgen build' and commit %s",
		p.Path, strings.Join(items, ", "), filepath.Base(p.Path))
}

// Summary counts the changes by kind, e.g. "2 changed, 1 added".
func (p *Plan) Summary() string {
	if len(p.Changes) == 0 {
		return "rewritten in canonical form"
	}
	counts := map[ChangeKind]int{}
	var order []ChangeKind
	for _, c := range p.Changes {
		if counts[c.Kind] == 0 {
			order = append(order, c.Kind)
		}
		counts[c.Kind]++
	}
	slices.Sort(order)
	parts := make([]string, len(order))
	for i, k := range order {
		switch {
		case k == NoteType && counts[k] == 1:
			parts[i] = "1 note type updated"
		case k == NoteType:
			parts[i] = fmt.Sprintf("%d note types updated", counts[k])
		default:
			parts[i] = fmt.Sprintf("%d %s", counts[k], k)
		}
	}
	return strings.Join(parts, ", ")
}
