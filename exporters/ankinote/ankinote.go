// Package ankinote is the one definition of how a card becomes an Anki note:
// note type ids, names and fields, field values, tags, deck names and media
// names. The .apkg and Anki CSV exporters both use it, so a CSV row updates
// exactly the note the package created.
//
// Everything here is part of the update contract with learners
// (docs/anki.md): note type ids and field lists never change.
package ankinote

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/render"
	"github.com/cardgen/cardgen/internal/safefile"
)

// NoteType is the identity and field list of one note type owned by the deck.
type NoteType struct {
	Kind cards.Type
	// ID is fixed forever: Anki matches note types by id (anki-format.md §3.1).
	ID   int64
	Name string
	// Fields never change in number, order or name, or existing notes stop updating (§3.3).
	Fields []string
	// SortField is the index of the field shown in the browser's sort column.
	SortField int
	Cloze     bool
	// Declared is the project's own note type (notetypes/<slug>.toml), whose
	// templates and CSS the package carries as written; nil for a built-in type.
	Declared *cards.NoteType
}

// Field lists, frozen. ID comes first so that old importers, which match on
// the first field, match on the card's stable id (anki-format.md §4.2).
var (
	basicFields = []string{"ID", "Question", "Answer", "Extra", "Source"}
	clozeFields = []string{"ID", "Text", "Extra", "Source"}
)

// For returns the note type that carries cards of type t: a built-in type,
// or a note type the project declares.
func For(cfg *cards.Config, t cards.Type) NoteType {
	if d := cfg.NoteType(string(t)); d != nil {
		return NoteType{Kind: t, ID: d.ID, Name: d.Name, Fields: d.FieldNames(), SortField: d.SortField, Cloze: d.Cloze, Declared: d}
	}
	nt := NoteType{Kind: t, ID: noteTypeID(cfg.Deck.Namespace, t), SortField: 1}
	switch t {
	case cards.Cloze:
		nt.Fields, nt.Cloze = clozeFields, true
		nt.Name = cfg.Deck.Namespace + " (cloze)"
	case cards.Reversed:
		nt.Fields = basicFields
		nt.Name = cfg.Deck.Namespace + " (basic and reversed)"
	default:
		nt.Fields = basicFields
		nt.Name = cfg.Deck.Namespace + " (basic)"
	}
	return nt
}

// CheckIDs reports a declared note type whose id is one of the built-in
// types' ids: Anki matches note types by id, so the two would overwrite each other.
func CheckIDs(cfg *cards.Config) cards.Diagnostics {
	var ds cards.Diagnostics
	for _, nt := range cfg.NoteTypes {
		for _, t := range cards.Types {
			if b := For(cfg, t); b.ID == nt.ID {
				ds = append(ds, cards.Diagnostic{File: nt.File, Line: nt.LineOf("id"), Severity: cards.Error,
					Message: fmt.Sprintf("note type id %d is the id of the built-in note type '%s' (%s); choose another id", nt.ID, b.Name, t)})
			}
		}
	}
	return ds
}

// All returns the deck's note types in a stable order: the built-in ones,
// then the declared ones by slug.
func All(cfg *cards.Config) []NoteType {
	out := make([]NoteType, 0, len(cards.Types)+len(cfg.NoteTypes))
	for _, t := range cards.Types {
		out = append(out, For(cfg, t))
	}
	for _, d := range cfg.NoteTypes {
		out = append(out, For(cfg, cards.Type(d.Slug)))
	}
	return out
}

// noteTypeID derives a stable id in [2^30, 2^31) from the namespace, as the
// format summary recommends (§2.5); it is not subject to the timestamp rule.
func noteTypeID(namespace string, t cards.Type) int64 {
	return 1<<30 + int64(hash64(namespace+":notetype:"+string(t))%(1<<30))
}

// GUID is the one rule for a note's identity, used by every output keyed by
// GUID (the package, the Anki CSV, the lock, list and diff): the card's own
// guid when it has one (a note brought from Anki), else the GUID derived from
// the namespace and the card id.
func GUID(namespace string, c *cards.Card) string { return GUIDOf(namespace, c.ID, c.GUID) }

// GUIDOf is GUID for a card known by its id and own guid ("" for none), such
// as a retired card in the lock.
func GUIDOf(namespace, id, guid string) string {
	if guid != "" {
		return guid
	}
	return cards.GUID(namespace, id)
}

// DeckID derives a stable deck id from the deck's full name.
func DeckID(namespace, deckName string) int64 {
	return 1<<30 + int64(hash64(namespace+":deck:"+deckName)%(1<<30))
}

// NoteID is a 13-digit millisecond timestamp between 2001 and 2017 derived from
// the card id, so modern Anki never renumbers it (§2.5). Callers resolve collisions.
func NoteID(namespace, cardID string) int64 {
	return 1_000_000_000_000 + int64(hash64(namespace+":nid:"+cardID)%500_000_000)*1000
}

func hash64(s string) uint64 {
	sum := sha256.Sum256([]byte(s))
	return binary.BigEndian.Uint64(sum[:8])
}

// DeckName is the Anki deck of a topic: "<deck name>::<topic name>".
func DeckName(cfg *cards.Config, topicID string) string {
	name := topicID
	if i := cfg.TopicIndex(topicID); i >= 0 {
		name = cfg.Topics[i].Name
	}
	return RootDeckName(cfg) + "::" + cleanDeckPart(name)
}

// RootDeckName is the parent of every topic deck: the deck's display name.
func RootDeckName(cfg *cards.Config) string { return cleanDeckPart(cfg.Deck.Name) }

// RetiredDeckName is the deck that holds retired notes new to a learner.
func RetiredDeckName(cfg *cards.Config) string { return RootDeckName(cfg) + "::已删除 (retired)" }

// RetiredTag marks the note of a card that left the set, so learners can
// find and delete it (docs/anki.md).
const RetiredTag = "cardgen::retired"

// cleanDeckPart keeps a deck name component valid: no "::", no quotes, no
// line breaks or other control characters (a CSV row and Anki's deck list
// are one line each), trimmed (§2.4.2).
func cleanDeckPart(s string) string {
	if strings.ContainsFunc(s, unicode.IsControl) {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, s)
	}
	return strings.TrimSpace(deckPartReplacer.Replace(s))
}

// deckPartReplacer is built once: building it per card cost more than the CSV rows.
var deckPartReplacer = strings.NewReplacer("::", ":", `"`, "")

// Tags returns a card's Anki tags: its own tags plus topic::<id> for every topic.
func Tags(c *cards.Card) []string {
	out := append([]string{}, c.Tags...)
	for _, t := range c.Topics {
		out = append(out, "topic::"+t)
	}
	return out
}

// Values returns the note's field values, in the order of its note type's fields.
// media maps a card's media references to their packaged names.
func Values(c *cards.Card, f exporters.Fields, media map[string]string) []string {
	rewrite := func(h string) string {
		if len(media) == 0 {
			return h
		}
		return render.RewriteImages(h, func(src string) string {
			// The renderer percent-encodes non-ASCII letters and '%'; the map has the paths as written.
			if name, ok := media[src]; ok {
				return name
			}
			if name, ok := media[render.DecodedSource(src)]; ok {
				return name
			}
			return src
		})
	}
	if c.NoteType != nil {
		out := make([]string, len(f.Values))
		for i, v := range f.Values {
			out[i] = rewrite(v)
		}
		return out
	}
	// Every field is HTML: the id too, though a loaded card's id is a slug.
	id, src := html.EscapeString(c.ID), html.EscapeString(c.Source)
	if c.Type == cards.Cloze {
		extra := f.Answer
		if f.Extra != "" {
			extra = strings.TrimSpace(extra + "\n" + f.Extra)
		}
		return []string{id, rewrite(f.Question), rewrite(extra), src}
	}
	return []string{id, rewrite(f.Question), rewrite(f.Answer), rewrite(f.Extra), src}
}

// MediaName is the packaged name of a media file: a content hash, so new
// content gets a new name and never clashes with a learner's files (§5.3).
func MediaName(namespace, path string) (string, error) {
	f, err := safefile.Open(path, cards.MaxMediaBytes)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha1.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	ext := strings.ToLower(filepath.Ext(path))
	prefix := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return -1
	}, namespace)
	return prefix + "-" + hex.EncodeToString(h.Sum(nil))[:16] + ext, nil
}

// MediaNames maps every media reference of the cards to its packaged name.
func MediaNames(namespace string, cs []*cards.Card) (map[string]string, error) {
	out := map[string]string{}
	for _, c := range cs {
		for _, m := range c.Media {
			if _, ok := out[m.Ref]; ok {
				continue
			}
			name, err := MediaName(namespace, m.Path)
			if err != nil {
				return nil, err
			}
			out[m.Ref] = name
		}
	}
	return out, nil
}
