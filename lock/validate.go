package lock

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/cardgen/cardgen/cards"
)

// The range of a sane note time: from 1970 until 2100. A lock is committed
// in pull requests, so a time outside it is forged or broken: a negative
// time is no time, and one near the int64 limit would wrap around to the
// past when the next change adds a second.
const (
	MinMod = 0
	MaxMod = 4102444800 // 2100-01-01
)

// check validates every value of a lock read from disk: the lock is
// untrusted input (it arrives in pull requests), and its ids, topics and
// questions reach the notes of every learner.
func (l *Lock) check() error {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	mod := func(where string, m int64) {
		if m < MinMod || m > MaxMod {
			bad("%s: mod %d is not a time between 1970 and 2100", where, m)
		}
	}
	text := func(where, key, s string) {
		for _, r := range s {
			if r != '\t' && r != '\n' && unicode.IsControl(r) {
				bad("%s: %s holds the control character U+%04X", where, key, r)
				return
			}
		}
	}
	// A built-in type or a declared note type's slug, which the lock cannot check against the config.
	kind := func(where, t string) {
		if !slices.Contains(cards.Types, cards.Type(t)) && !cards.IsSlug(t) {
			bad("%s: unknown card type %q", where, t)
		}
	}
	guid := func(where, g string) {
		if g != "" && !cards.IsGUID(g) {
			bad("%s: guid %q is not an Anki GUID", where, g)
		}
	}
	topic := func(where, t string) {
		if !cards.IsSlug(t) {
			bad("%s: topic %q is not a topic id", where, t)
		}
	}
	for _, k := range sortedKeys(l.NoteTypes) {
		where := fmt.Sprintf("note type %q", k)
		if !cards.IsSlug(k) {
			bad("%s: not a note type kind", where)
		}
		mod(where, l.NoteTypes[k].Mod)
		text(where, "hash", l.NoteTypes[k].Hash)
	}
	for _, id := range sortedKeys(l.Cards) {
		c, where := l.Cards[id], fmt.Sprintf("card %q", id)
		if !cards.IsSlug(id) {
			bad("%s: the id is not a slug", where)
			continue
		}
		mod(where, c.Mod)
		kind(where, c.Type)
		topic(where, c.Topic)
		if c.Topics != "" {
			for _, t := range strings.Split(c.Topics, ",") {
				topic(where, t)
			}
		}
		text(where, "hash", c.Hash)
		text(where, "question", c.Question)
		guid(where, c.GUID)
	}
	for _, id := range sortedKeys(l.Retired) {
		r, where := l.Retired[id], fmt.Sprintf("retired card %q", id)
		if !cards.IsSlug(id) {
			bad("%s: the id is not a slug", where)
			continue
		}
		if _, both := l.Cards[id]; both {
			bad("%s: also listed as a card in the set", where)
		}
		mod(where, r.Mod)
		kind(where, r.Type)
		if r.Topic != "" {
			topic(where, r.Topic)
		}
		text(where, "question", r.Question)
		guid(where, r.GUID)
	}
	if len(problems) == 0 {
		return nil
	}
	const show = 5
	if len(problems) > show {
		problems = append(problems[:show], fmt.Sprintf("and %d more", len(problems)-show))
	}
	return fmt.Errorf("not a valid lock file: %s; restore it from version control", strings.Join(problems, "; "))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
