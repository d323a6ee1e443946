package cards

import (
	"crypto/sha256"
	"encoding/binary"
	"regexp"
	"slices"
	"strings"
)

// Type is a card's note type.
type Type string

const (
	// Basic is question on the front, answer on the back.
	Basic Type = "basic"
	// Reversed adds a second card with the answer on the front.
	Reversed Type = "reversed"
	// Cloze hides each {{cN::...}} deletion of the question in turn.
	Cloze Type = "cloze"
)

// Types lists the card types in a stable order.
var Types = []Type{Basic, Reversed, Cloze}

// Card is one question of the set, validated and resolved.
type Card struct {
	// ID is the card's identity in every output, stable forever.
	ID   string
	Type Type
	// Question, Answer and Extra are Markdown with $…$/$$…$$ math.
	// For a cloze card Question holds the text with {{c1::…}} deletions.
	Question string
	Answer   string
	Extra    string
	// Source says where the question comes from, e.g. "Q13".
	Source string
	// Topic is the primary topic; Topics lists all topics, primary first.
	Topic  string
	Topics []string
	Tags   []string
	// Media lists local files referenced from the card's Markdown.
	Media []Media
	// GUID is the note's original Anki GUID when the card was brought from
	// Anki; empty for a card whose GUID derives from namespace and id.
	// ankinote.GUID is the one rule that picks a note's GUID.
	GUID string
	// NoteType is the declared note type of a card whose Type is not built
	// in, and Fields its field values (Markdown) in the note type's order;
	// nil for the built-in types, which use Question, Answer and Extra.
	NoteType *NoteType
	Fields   []string

	// File and Line locate the card's [[cards]] table for messages.
	File string
	Line int
	// KeyLines has the line of each key written in the card's table.
	KeyLines map[string]int
}

// Sources are the card's Markdown fields, each rendered to one HTML field:
// question, answer and extra for a built-in type, the declared fields otherwise.
func (c *Card) Sources() []string {
	if c.NoteType != nil {
		return c.Fields
	}
	return []string{c.Question, c.Answer, c.Extra}
}

// SourceKeys name the card's Markdown fields as written in its table, in Sources order.
func (c *Card) SourceKeys() []string {
	if c.NoteType != nil {
		keys := make([]string, len(c.NoteType.Fields))
		for i, f := range c.NoteType.Fields {
			keys[i] = "fields." + f.Name
		}
		return keys
	}
	return []string{"question", "answer", "extra"}
}

// LineOf returns the line of key in the card's table, or the table's line.
func (c *Card) LineOf(key string) int {
	if n := c.KeyLines[key]; n > 0 {
		return n
	}
	if strings.HasPrefix(key, "fields.") {
		return c.LineOf("fields")
	}
	return c.Line
}

// Media is one local file a card references.
type Media struct {
	Ref  string // as written in the Markdown, e.g. media/roi.png
	Path string // resolved path on disk
}

// HasTopic reports whether the card belongs to topic id.
func (c *Card) HasTopic(id string) bool { return slices.Contains(c.Topics, id) }

// HasTag reports whether the card carries tag t.
func (c *Card) HasTag(t string) bool { return slices.Contains(c.Tags, t) }

var clozeRE = regexp.MustCompile(`\{\{c[1-9][0-9]*::`)

// ClozeNumbers returns the distinct cloze numbers used in s, ascending.
func ClozeNumbers(s string) []int {
	var out []int
	for _, m := range clozeNumRE.FindAllStringSubmatch(s, -1) {
		n := 0
		for _, r := range m[1] {
			// Saturates past Anki's limit (which validation enforces) instead of overflowing.
			n = min(n*10+int(r-'0'), MaxCloze+1)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

var clozeNumRE = regexp.MustCompile(`\{\{c([1-9][0-9]*)::`)

// Deck is the loaded, validated question set (or a filtered part of it), in set order:
// topics in config order, then files by name, then cards in file order.
type Deck struct {
	Config *Config
	Cards  []*Card
	// Sums has the SHA-256 of each topic file's bytes, by path as in Card.File.
	Sums map[string][32]byte
}

// Topic returns the topic with the given id.
func (d *Deck) Topic(id string) (Topic, bool) {
	i := d.Config.TopicIndex(id)
	if i < 0 {
		return Topic{}, false
	}
	return d.Config.Topics[i], true
}

// ByTopic groups the cards by primary topic in config order; topics with no card are left out.
func (d *Deck) ByTopic() []TopicCards {
	var out []TopicCards
	for _, t := range d.Config.Topics {
		var cs []*Card
		for _, c := range d.Cards {
			if c.Topic == t.ID {
				cs = append(cs, c)
			}
		}
		if len(cs) > 0 {
			out = append(out, TopicCards{Topic: t, Cards: cs})
		}
	}
	return out
}

// TopicCards is one topic and its cards.
type TopicCards struct {
	Topic Topic
	Cards []*Card
}

// GUID returns the 11-character [A-Za-z0-9] identity derived for id in
// namespace, from the deck namespace and the card id only, never from
// content, position or time. A card's note GUID is chosen by ankinote.GUID.
func GUID(namespace, id string) string {
	sum := sha256.Sum256([]byte(namespace + "\x00" + id))
	return base62(binary.BigEndian.Uint64(sum[:8]))
}

const base62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func base62(v uint64) string {
	// 62^11 > 2^64, so 11 digits always suffice; pad for a fixed width.
	var b [11]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = base62Digits[v%62]
		v /= 62
	}
	return string(b[:])
}
