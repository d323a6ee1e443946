package ankitest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// UpdateWant says which notes a re-import should add and which it should
// update, by GUID; every other note must stay exactly as it was.
type UpdateWant struct {
	Added   []string
	Updated []string
}

// CheckUpdate compares a collection before and after a re-import against the
// update contract of docs/anki.md and returns every breach, one line each:
// notes that arrived twice (named by their first field, the card id), notes
// added or updated that should not have been or the other way round, note
// ids or note types that changed, cards whose scheduling or deck moved, and
// reviews that were lost. No lines means the update kept its promise. The
// collection is one made for a test: any two notes with one first field
// count as a duplicate.
func CheckUpdate(before, after *Snapshot, want UpdateWant) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	// A note that arrives twice: two notes with the same first field, the
	// card id in each of cardgen's note types (even when a changed namespace
	// gave the second copy another note type).
	seen := map[string][]Note{}
	for _, n := range after.Notes {
		seen[n.Field(0)] = append(seen[n.Field(0)], n)
	}
	var dups []string
	for first, ns := range seen {
		if len(ns) > 1 {
			dups = append(dups, first)
		}
	}
	sort.Strings(dups)
	for _, first := range dups {
		var names []string
		for _, n := range seen[first] {
			names = append(names, fmt.Sprintf("note %d guid %s note type %d", n.ID, n.GUID, n.Mid))
		}
		bad("duplicated note %q: %d notes (%s)", first, len(seen[first]), strings.Join(names, ", "))
	}

	old := before.NoteByGUID()
	now := after.NoteByGUID()
	for _, g := range want.Added {
		if _, ok := old[g]; ok {
			bad("note guid %s was to be added but was already there", g)
		} else if _, ok := now[g]; !ok {
			bad("note guid %s was not added", g)
		}
	}
	for _, n := range after.Notes {
		if _, ok := old[n.GUID]; !ok && !slices.Contains(want.Added, n.GUID) {
			bad("unexpected new note %s", n)
		}
	}
	for _, b := range before.Notes {
		a, ok := now[b.GUID]
		switch {
		case !ok:
			bad("note %s is gone", b)
			continue
		case a.ID != b.ID:
			bad("note %s changed id to %d", b, a.ID)
		case a.Mid != b.Mid:
			bad("note %s changed note type %d to %d", b, b.Mid, a.Mid)
		}
		same := a.Mod == b.Mod && slices.Equal(a.Fields, b.Fields) && slices.Equal(a.Tags, b.Tags)
		if slices.Contains(want.Updated, b.GUID) {
			if same {
				bad("note %s was not updated", b)
			} else if a.Mod <= b.Mod {
				bad("note %s changed without a newer mod (%d, was %d)", b, a.Mod, b.Mod)
			}
		} else if !same {
			bad("note %s changed: mod %d -> %d, fields %q -> %q, tags %q -> %q", b, b.Mod, a.Mod, b.Fields, a.Fields, b.Tags, a.Tags)
		}
	}

	// Cards: every old card keeps its deck and scheduling.
	cards := map[int64]Card{}
	for _, c := range after.Cards {
		cards[c.ID] = c
	}
	for _, b := range before.Cards {
		a, ok := cards[b.ID]
		switch {
		case !ok:
			bad("card %d of note %d is gone", b.ID, b.Nid)
		case a.Nid != b.Nid || a.Ord != b.Ord:
			bad("card %d moved from note %d/%d to %d/%d", b.ID, b.Nid, b.Ord, a.Nid, a.Ord)
		case a.Did != b.Did:
			bad("card %d of note %d moved from deck %d to %d", b.ID, b.Nid, b.Did, a.Did)
		case a.Type != b.Type || a.Queue != b.Queue || a.Ivl != b.Ivl || a.Due != b.Due ||
			a.Factor != b.Factor || a.Reps != b.Reps || a.Lapses != b.Lapses:
			bad("card %d of note %d lost its scheduling: %+v -> %+v", b.ID, b.Nid, b, a)
		}
	}

	// Reviews: every old entry is still there.
	reviews := map[Review]bool{}
	for _, r := range after.Revlog {
		reviews[r] = true
	}
	lost := 0
	for _, r := range before.Revlog {
		if !reviews[r] {
			lost++
		}
	}
	if lost > 0 {
		bad("%d of %d reviews lost", lost, len(before.Revlog))
	}
	return out
}
