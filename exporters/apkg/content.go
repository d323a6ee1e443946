package apkg

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"html"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/ankinote"
	"github.com/cardgen/cardgen/internal/par"
	"github.com/cardgen/cardgen/lock"
)

// note is what the package carries for one note, before ids are assigned.
type note struct {
	nt     ankinote.NoteType
	fields []string
	tags   string // Anki's form: "" or " a b " (§2.3)
	ords   []int  // template ords of the cards to ship
}

// cardNote builds the note of a card in the set. media maps the card's image
// references to packaged names (nil when it has none).
func cardNote(cfg *cards.Config, c *cards.Card, f exporters.Fields, media map[string]string) note {
	n := note{
		nt:     ankinote.For(cfg, c.Type),
		fields: ankinote.Values(c, f, media),
		tags:   joinTags(ankinote.Tags(c)),
	}
	if n.nt.Declared != nil {
		n.ords = declaredOrds(n.nt.Declared, n.fields)
	} else {
		n.ords = cardOrds(c.Type, n.fields, c.Question)
	}
	return n
}

// declaredOrds lists the cards Anki makes for a note of a declared type: for
// a cloze type one per cloze number in its cloze fields, else one per
// template whose front shows a non-empty field (anki-format.md §3.1).
func declaredOrds(nt *cards.NoteType, fields []string) []int {
	if nt.Cloze {
		var nums []int
		for _, name := range nt.ClozeFields() {
			for _, n := range cards.ClozeNumbers(fields[nt.FieldIndex(name)]) {
				if !slices.Contains(nums, n) {
					nums = append(nums, n)
				}
			}
		}
		slices.Sort(nums)
		ords := make([]int, 0, len(nums))
		for _, n := range nums {
			ords = append(ords, n-1)
		}
		if len(ords) == 0 {
			ords = []int{0}
		}
		return ords
	}
	nonEmpty := func(name string) bool {
		i := nt.FieldIndex(name)
		return i >= 0 && !fieldIsEmpty(fields[i])
	}
	var ords []int
	for ord, t := range nt.Templates {
		refs := cards.TemplateRefs(t.Front)
		pos := 0
		if !templateIsEmpty(refs, &pos, nonEmpty) {
			ords = append(ords, ord)
		}
	}
	if len(ords) == 0 {
		ords = []int{0} // Anki keeps a note's first card even when its front is empty
	}
	return ords
}

// templateIsEmpty is Anki's test of whether a template renders nothing for
// the non-empty fields (rslib template.rs, template_is_empty): a replacement
// of a non-empty field renders; a {{#F}} section only when F is non-empty
// and its content renders; a {{^F}} section when its content renders.
// Special fields and text never count. It reads refs from *pos to the end
// of the current section.
func templateIsEmpty(refs []cards.TemplateRef, pos *int, nonEmpty func(string) bool) bool {
	empty := true // every tag is read, so a section's end is never taken for its parent's
	for *pos < len(refs) {
		r := refs[*pos]
		*pos++
		switch r.Section {
		case '/':
			return empty
		case '#':
			if !templateIsEmpty(refs, pos, nonEmpty) && nonEmpty(r.Field) {
				empty = false
			}
		case '^':
			if !templateIsEmpty(refs, pos, nonEmpty) {
				empty = false
			}
		default:
			if nonEmpty(r.Field) {
				empty = false
			}
		}
	}
	return empty
}

// fieldIsEmpty is Anki's test for an empty field: nothing but white space
// (or zero-width spaces) once the HTML is stripped, image names kept.
func fieldIsEmpty(s string) bool {
	return strings.TrimFunc(stripHTMLMedia(s), func(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' }) == ""
}

// cardOrds lists the cards a note has: one per template, except a reversed
// card with no answer yet, which gets no empty answer-side card, and cloze,
// which gets one card per cloze number (§3.1: an update adds missing ords later).
func cardOrds(t cards.Type, fields []string, clozeSource string) []int {
	switch t {
	case cards.Cloze:
		var ords []int
		for _, n := range cards.ClozeNumbers(clozeSource) {
			ords = append(ords, n-1)
		}
		if len(ords) == 0 {
			ords = []int{0}
		}
		return ords
	case cards.Reversed:
		if strings.TrimSpace(fields[2]) == "" {
			return []int{0}
		}
		return []int{0, 1}
	}
	return []int{0}
}

// joinTags writes tags the way Anki stores them: sorted, unique, space
// separated with a leading and trailing space, or "" when there are none.
func joinTags(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	t := slices.Clone(tags)
	slices.Sort(t)
	t = slices.Compact(t)
	return " " + strings.Join(t, " ") + " "
}

// hasher computes content hashes without allocating per note; one per goroutine.
type hasher struct {
	h   hash.Hash
	buf []byte
}

func newHasher() *hasher { return &hasher{h: sha256.New()} }

// sum hashes exactly what an update overwrites in the learner's note: the
// note type, every field (flds, joined by 0x1f as in the notes table) and
// the tags (§0 rule 15). Deck and card rows are left out because re-import
// never touches existing cards (§3.1).
func (x *hasher) sum(ntid int64, flds []byte, tags string) [16]byte {
	x.h.Reset()
	x.buf = strconv.AppendInt(x.buf[:0], ntid, 10)
	x.buf = append(x.buf, 0x1e)
	x.h.Write(x.buf)
	x.h.Write(flds)
	x.buf = append(append(x.buf[:0], 0x1e), tags...)
	x.h.Write(x.buf)
	var out [16]byte
	copy(out[:], x.h.Sum(x.buf[:0]))
	return out
}

// hash returns the note's content hash as the lock records it.
func (x *hasher) hash(n note) string {
	flds := appendFields(nil, n.fields)
	sum := x.sum(n.nt.ID, flds, n.tags)
	return hex.EncodeToString(sum[:])
}

// appendFields appends the fields joined by 0x1f, the notes.flds form (§2.3).
func appendFields(dst []byte, fields []string) []byte {
	for i, f := range fields {
		if i > 0 {
			dst = append(dst, 0x1f)
		}
		dst = append(dst, f...)
	}
	return dst
}

// plainQuestion is the question as one line of text, kept in the lock for
// the retired note: for a declared note type, its first field.
func plainQuestion(n note) string {
	if n.nt.Declared != nil {
		return collapseSpace(stripHTMLMedia(n.fields[0]))
	}
	return collapseSpace(stripHTMLMedia(n.fields[1]))
}

// collapseSpace is strings.Join(strings.Fields(s), " ") in one pass and one
// allocation: it ran for every card of the lock.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if unicode.IsSpace(r) {
			pending = b.Len() > 0
		} else {
			if pending {
				b.WriteByte(' ')
				pending = false
			}
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// retiredNote builds the note that replaces a retired card's note in the
// learner's collection: same guid and note type, so it updates in place
// (§3.1), with a notice and the retired tag so the learner can find it.
func retiredNote(cfg *cards.Config, id string, t lock.Retired) note {
	kind := cards.Type(t.Type)
	if d := cfg.NoteType(t.Type); d != nil {
		return retiredDeclared(cfg, d, id, t)
	}
	if !slices.Contains(cards.Types, kind) {
		kind = cards.Basic
	}
	day := time.Unix(t.Mod, 0).UTC().Format("2006-01-02")
	banner := `<div class="retired">已删除 · retired</div>`
	notice := retiredNotice(day)
	q := html.EscapeString(t.Question)
	n := note{nt: ankinote.For(cfg, kind)}
	tags := []string{ankinote.RetiredTag}
	if t.Topic != "" {
		tags = append(tags, "topic::"+t.Topic)
	}
	n.tags = joinTags(tags)
	// One card only: enough for a learner who never had the note, while any
	// other ord would be added to the notes of learners who lack it (§3.1).
	if kind == cards.Cloze {
		// The question keeps its {{cN::…}} marks, so every existing cloze card still renders.
		n.fields = []string{html.EscapeString(id), banner + q, notice, ""}
		n.ords = cardOrds(kind, n.fields, t.Question)[:1]
	} else {
		n.fields = []string{html.EscapeString(id), banner + q, notice, "", ""}
		n.ords = []int{0}
	}
	return n
}

// retiredNote of a card whose declared note type is still declared: the
// banner and question in the first field (the cloze field for a cloze type),
// the notice in the next one, so the note keeps its note type.
func retiredDeclared(cfg *cards.Config, d *cards.NoteType, id string, t lock.Retired) note {
	day := time.Unix(t.Mod, 0).UTC().Format("2006-01-02")
	n := note{nt: ankinote.For(cfg, cards.Type(d.Slug)), fields: make([]string, len(d.Fields))}
	tags := []string{ankinote.RetiredTag}
	if t.Topic != "" {
		tags = append(tags, "topic::"+t.Topic)
	}
	n.tags = joinTags(tags)
	main := 0
	if cf := d.ClozeFields(); d.Cloze && len(cf) > 0 {
		main = d.FieldIndex(cf[0])
	}
	notice := retiredNotice(day)
	n.fields[main] = `<div class="retired">已删除 · retired</div>` + html.EscapeString(t.Question)
	if other := (main + 1) % len(n.fields); other != main {
		n.fields[other] = notice
	} else {
		n.fields[main] += notice
	}
	n.ords = declaredOrds(d, n.fields)[:1]
	return n
}

func retiredNotice(day string) string {
	return fmt.Sprintf(`<div class="retired">此卡片已于 %s 从题库中删除,可以删除。<br>This card was retired from the deck on %s and can be deleted: search for <code>tag:%s</code>.</div>`,
		day, day, ankinote.RetiredTag)
}

// mediaNames maps every image reference of the deck to its packaged name.
func mediaNames(d *cards.Deck) (map[string]string, error) {
	return ankinote.MediaNames(d.Config.Deck.Namespace, d.Cards)
}

// mediaFor returns the media map to rewrite a card's fields with: nil for a
// card without images, so its fields are not scanned for <img>.
func mediaFor(c *cards.Card, all map[string]string) map[string]string {
	if len(c.Media) == 0 {
		return nil
	}
	return all
}

// LockState computes, for every card of the full deck, what the lock
// records: the hash of its note as this exporter writes it, and what its
// retired note would need; and the hash of each note type. build.Run feeds
// it to lock.Update once per build, before any exporter runs.
func LockState(full *cards.Deck, r *exporters.Rendered) ([]lock.CardState, map[string]string, error) {
	media, err := mediaNames(full)
	if err != nil {
		return nil, nil, err
	}
	out := make([]lock.CardState, len(full.Cards))
	// Cards are hashed in chunks on every core, each chunk with its own hasher.
	const chunk = 1024
	par.Do((len(full.Cards)+chunk-1)/chunk, func(k int) {
		x := newHasher()
		for i := k * chunk; i < min((k+1)*chunk, len(full.Cards)); i++ {
			c := full.Cards[i]
			n := cardNote(full.Config, c, r.Get(c.ID), mediaFor(c, media))
			out[i] = lock.CardState{ID: c.ID, Hash: x.hash(n), Type: string(c.Type), Topic: c.Topic, Question: plainQuestion(n), GUID: c.GUID}
		}
	})
	nts := map[string]string{}
	for _, nt := range ankinote.All(full.Config) {
		nts[string(nt.Kind)] = noteTypeHash(nt, cssOf(nt))
	}
	return out, nts, nil
}
