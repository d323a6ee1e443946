// Package deckdiff compares two builds of a deck, each given as an Anki
// package or a lock file, and writes what changed for learners as Markdown:
// cards added, changed, retired and moved between topics.
package deckdiff

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cardgen/cardgen/internal/safefile"
	"github.com/cardgen/cardgen/lock"
)

// Card is one card as a build shipped it.
type Card struct {
	ID string
	// Question is plain text on one line.
	Question string
	// Primary is the primary topic, "" when the source does not say (an .apkg).
	Primary string
	// Topics are all the card's topics, primary first when known.
	Topics []string
	// Hash identifies the note's content (note type, fields, tags): the
	// lock's hash, which an .apkg's note hashes to as well.
	Hash string
	// Pos is the position in set order, 0 when unknown (a lock).
	Pos int
}

// Snapshot is one build: the cards in its set and its retired cards, by id.
type Snapshot struct {
	Cards   map[string]Card
	Retired map[string]Card
}

// MaxInputBytes caps an argument of diff (the package of 300,000 cards is about 140 MB).
const MaxInputBytes = 2 << 30

// zipMagic starts every .apkg, which is a zip archive.
var zipMagic = []byte("PK\x03\x04")

// Load reads a build from an .apkg or a lock file, told apart by content.
func Load(path string) (*Snapshot, error) {
	data, err := safefile.ReadFile(path, MaxInputBytes)
	if err != nil {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(data, zipMagic):
		s, err := readAPKG(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return s, nil
	case bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n\ufeff"), []byte("{")):
		l, err := lock.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return FromLock(l), nil
	}
	return nil, fmt.Errorf("%s: neither an Anki package (.apkg) nor a cardgen lock file", path)
}

// FromLock reads the cards of a lock. A lock keeps no order, so cards sort by id.
func FromLock(l *lock.Lock) *Snapshot {
	s := &Snapshot{Cards: map[string]Card{}, Retired: map[string]Card{}}
	for id, c := range l.Cards {
		topics := []string{c.Topic}
		if c.Topics != "" {
			topics = append(topics, strings.Split(c.Topics, ",")...)
		}
		s.Cards[id] = Card{ID: id, Question: c.Question, Primary: c.Topic, Topics: topics, Hash: c.Hash}
	}
	for id, r := range l.Retired {
		s.Retired[id] = Card{ID: id, Question: r.Question, Primary: r.Topic, Topics: []string{r.Topic}}
	}
	return s
}

// Moved is a card whose topics changed.
type Moved struct {
	Card
	From []string
}

// Diff is what changed from one build to the next. Each list is in the
// newer build's set order (the older one's for Retired), then by id.
type Diff struct {
	// Added holds new cards and retired cards that came back (Restored).
	Added    []Card
	Restored map[string]bool
	// Changed holds cards whose note learners have is updated; WasQuestion
	// has the old question of those whose question changed.
	Changed     []Card
	WasQuestion map[string]string
	Retired     []Card
	Moved       []Moved
}

// Compare lists what changed from old to new.
func Compare(old, new *Snapshot) *Diff {
	d := &Diff{Restored: map[string]bool{}, WasQuestion: map[string]string{}}
	for id, c := range new.Cards {
		prev, ok := old.Cards[id]
		if !ok {
			d.Added = append(d.Added, c)
			if _, back := old.Retired[id]; back {
				d.Restored[id] = true
			}
			continue
		}
		if prev.Hash != c.Hash {
			d.Changed = append(d.Changed, c)
			if prev.Question != c.Question {
				d.WasQuestion[id] = prev.Question
			}
		}
		if movedTopics(prev, c) {
			d.Moved = append(d.Moved, Moved{Card: c, From: prev.Topics})
		}
	}
	for id, c := range old.Cards {
		if _, ok := new.Cards[id]; !ok {
			d.Retired = append(d.Retired, c)
		}
	}
	byOrder := func(a, b Card) int {
		if c := cmp.Compare(a.Pos, b.Pos); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	}
	slices.SortFunc(d.Added, byOrder)
	slices.SortFunc(d.Changed, byOrder)
	slices.SortFunc(d.Retired, byOrder)
	slices.SortFunc(d.Moved, func(a, b Moved) int { return byOrder(a.Card, b.Card) })
	return d
}

// movedTopics reports whether a card's topics differ: another set, or
// another primary topic where both builds say which it is.
func movedTopics(a, b Card) bool {
	if a.Primary != "" && b.Primary != "" && a.Primary != b.Primary {
		return true
	}
	x, y := slices.Clone(a.Topics), slices.Clone(b.Topics)
	slices.Sort(x)
	slices.Sort(y)
	return !slices.Equal(x, y)
}

// Empty reports whether nothing changed.
func (d *Diff) Empty() bool {
	return len(d.Added)+len(d.Changed)+len(d.Retired)+len(d.Moved) == 0
}

// Summary is the one-line count, e.g. "2 added, 1 changed, 1 retired."
func (d *Diff) Summary() string {
	if d.Empty() {
		return "No changes."
	}
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{{len(d.Added), "added"}, {len(d.Changed), "changed"}, {len(d.Retired), "retired"}, {len(d.Moved), "moved between topics"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	return strings.Join(parts, ", ") + "."
}

// WriteMarkdown writes the summary line and a section per kind of change,
// at heading level 3 so it fits under a release's own headings.
func (d *Diff) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString(d.Summary() + "\n")
	section := func(title string, n int, item func(i int) string) {
		if n == 0 {
			return
		}
		b.WriteString("\n### " + title + "\n\n")
		for i := range n {
			b.WriteString("- " + item(i) + "\n")
		}
	}
	section("Added", len(d.Added), func(i int) string {
		c := d.Added[i]
		if d.Restored[c.ID] {
			return entry(c) + " (restored)"
		}
		return entry(c)
	})
	section("Changed", len(d.Changed), func(i int) string {
		c := d.Changed[i]
		if was, ok := d.WasQuestion[c.ID]; ok {
			return entry(c) + " (was: " + escape(was) + ")"
		}
		return entry(c)
	})
	section("Retired", len(d.Retired), func(i int) string { return entry(d.Retired[i]) })
	section("Moved between topics", len(d.Moved), func(i int) string {
		m := d.Moved[i]
		return entry(m.Card) + " (" + escapeAll(m.From) + " → " + escapeAll(m.Topics) + ")"
	})
	_, err := io.WriteString(w, b.String())
	return err
}

// Run loads two builds and writes their differences to w as Markdown.
func Run(oldPath, newPath string, w io.Writer) error {
	old, err := Load(oldPath)
	if err != nil {
		return err
	}
	cur, err := Load(newPath)
	if err != nil {
		return err
	}
	return Compare(old, cur).WriteMarkdown(w)
}

func entry(c Card) string { return codeSpan(c.ID) + ": " + escape(c.Question) }

// codeSpan writes s as a Markdown code span that nothing in s can close:
// the ids of a package or lock from elsewhere are untrusted text.
func codeSpan(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || s == "" {
		s = " " + s + " "
	}
	return fence + s + fence
}

func escapeAll(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = escape(s)
	}
	return strings.Join(out, ", ")
}

// mdEscaper keeps a question literal in Markdown: no emphasis, links,
// HTML, tables or math out of the characters it happens to contain.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `|`, `\|`, `~`, `\~`, `$`, `\$`, `&`, `\&`,
)

func escape(s string) string { return mdEscaper.Replace(strings.Join(strings.Fields(s), " ")) }
