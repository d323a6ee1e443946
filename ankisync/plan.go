package ankisync

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// ankiNote is a note Anki holds under one of the deck's note types.
type ankiNote struct {
	NID    int64
	MID    int64
	ID     string // the ID field: the card id, hence the GUID cardgen gave it
	Mod    int64  // 0 when this AnkiConnect does not report it
	Fields []string
	Tags   []string
	Cards  []int64
}

// ankiState is what Anki holds of the deck: its notes by card id, and the
// cards already in the retired deck.
type ankiState struct {
	byID        map[string][]ankiNote
	others      int // notes of the deck's note types with an ID that is no card of the package
	retiredDeck map[int64]bool
	reportsMod  bool
	// noteTypes are the deck's note types Anki holds, by id.
	noteTypes map[int64]pkgModel
}

// notesInfoBatch keeps each notesInfo request to a few megabytes.
const notesInfoBatch = 1000

// readAnki asks Anki for every note of the package's note types (by note
// type id, which the deck owns) and for the cards in the retired deck.
// AnkiConnect reports no GUIDs, so a note is known by its note type and its
// ID field, from which cardgen derives the GUID (cards.GUID).
func readAnki(ctx context.Context, c *Client, pkg *deckPackage, retiredDeck string) (*ankiState, error) {
	mids := make([]int64, 0, len(pkg.Models))
	for mid := range pkg.Models {
		mids = append(mids, mid)
	}
	slices.Sort(mids)
	actions := make([]Action, len(mids)+1)
	results := make([]any, len(mids)+1)
	nids := make([][]int64, len(mids))
	for i, mid := range mids {
		actions[i] = Action{Action: "findNotes", Params: map[string]any{"query": "mid:" + strconv.FormatInt(mid, 10)}}
		results[i] = &nids[i]
	}
	var retiredCards []int64
	actions[len(mids)] = Action{Action: "findCards", Params: map[string]any{"query": `"deck:` + escapeSearch(retiredDeck) + `"`}}
	results[len(mids)] = &retiredCards
	if err := c.Multi(ctx, actions, results); err != nil {
		return nil, err
	}
	noteTypes, err := readNoteTypes(ctx, c, pkg)
	if err != nil {
		return nil, err
	}
	st := &ankiState{byID: map[string][]ankiNote{}, retiredDeck: map[int64]bool{}, noteTypes: noteTypes}
	for _, id := range retiredCards {
		st.retiredDeck[id] = true
	}
	inPkg := map[string]bool{}
	for _, n := range pkg.Notes {
		inPkg[n.ID] = true
	}
	for i, mid := range mids {
		ids := nids[i]
		for start := 0; start < len(ids); start += notesInfoBatch {
			batch := ids[start:min(start+notesInfoBatch, len(ids))]
			infos, err := c.NotesInfo(ctx, batch)
			if err != nil {
				return nil, err
			}
			for _, info := range infos {
				if info.NoteID == 0 {
					continue // deleted between the two calls
				}
				n := ankiNote{NID: info.NoteID, MID: mid, Mod: info.Mod, Tags: info.Tags, Cards: info.Cards}
				st.reportsMod = st.reportsMod || info.Mod != 0
				n.Fields = make([]string, len(info.Fields))
				for _, f := range info.Fields {
					if f.Order >= 0 && f.Order < len(n.Fields) {
						n.Fields[f.Order] = f.Value
					}
				}
				if len(n.Fields) > 0 {
					n.ID = n.Fields[0]
				}
				if !inPkg[n.ID] {
					st.others++
					continue
				}
				st.byID[n.ID] = append(st.byID[n.ID], n)
			}
		}
	}
	return st, nil
}

// readNoteTypes returns the fields, templates and styling of the package's
// note types that Anki holds: AnkiConnect names note types, so their names
// come first, by id.
func readNoteTypes(ctx context.Context, c *Client, pkg *deckPackage) (map[int64]pkgModel, error) {
	var ids map[string]int64
	if err := c.Call(ctx, "modelNamesAndIds", nil, &ids); err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for name, id := range ids {
		if _, ours := pkg.Models[id]; ours {
			names[id] = name
		}
	}
	mids := make([]int64, 0, len(names))
	for id := range names {
		mids = append(mids, id)
	}
	slices.Sort(mids)
	type parts struct {
		fields  []string
		tmpls   map[string]template
		styling struct {
			CSS string `json:"css"`
		}
	}
	got := make([]parts, len(mids))
	var actions []Action
	var results []any
	for i, mid := range mids {
		name := map[string]any{"modelName": names[mid]}
		actions = append(actions, Action{"modelFieldNames", name}, Action{"modelTemplates", name}, Action{"modelStyling", name})
		results = append(results, &got[i].fields, &got[i].tmpls, &got[i].styling)
	}
	out := map[int64]pkgModel{}
	if len(actions) == 0 {
		return out, nil
	}
	if err := c.Multi(ctx, actions, results); err != nil {
		return nil, err
	}
	for i, mid := range mids {
		out[mid] = pkgModel{Name: names[mid], Fields: got[i].fields, Templates: got[i].tmpls, CSS: got[i].styling.CSS}
	}
	return out, nil
}

// sameNoteType reports whether Anki's note type has the package's fields, templates and styling.
func sameNoteType(a, p pkgModel) bool {
	return slices.Equal(a.Fields, p.Fields) && a.CSS == p.CSS && maps.Equal(a.Templates, p.Templates)
}

// escapeSearch escapes text for a quoted term of Anki's search syntax.
func escapeSearch(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, `*`, `\*`, `_`, `\_`).Replace(s)
}

// Conflict is a card Anki holds under another of the deck's note types than the package's.
type Conflict struct {
	ID           string
	Anki, Deck   string // note type names
	AnkiNoteID   int64
	DeckNoteType int64
}

// Plan is what a sync changes in Anki, by card id.
type Plan struct {
	Added     []string
	Updated   []string
	Retired   []string // notes that become retired notes, or whose cards move to the retired deck
	Deleted   []string // with --prune: retired notes deleted
	Unchanged []string
	// Kept are notes whose content differs but which Anki changed after the
	// build (a newer mod): the import keeps Anki's copy.
	Kept       []string
	Conflicts  []Conflict
	Duplicates []string // card ids Anki holds more than one note for
	// Others counts notes of the deck's note types that are no card of this deck (a user's own).
	Others int
	// NoteTypes names the deck's note types whose templates or styling differ
	// from Anki's: the import updates them, unless they were edited in Anki since.
	NoteTypes []string

	move []int64 // cards to move to the retired deck
	// restore are cards of a card that came back, to move out of the retired deck, by deck.
	restore map[string][]int64
	// importing is true when the package must be imported: something is
	// added or updated. Otherwise the import is skipped, since even an
	// import that changes no note marks the note types modified.
	importing bool
}

// Changes reports whether the plan changes anything in Anki.
func (p *Plan) Changes() bool {
	return len(p.Added)+len(p.Updated)+len(p.Retired)+len(p.Deleted)+len(p.NoteTypes) > 0
}

// plan compares the package with what Anki holds. It predicts Anki's
// importer: a note is added when its GUID is new, updated when its content
// differs and the package's mod is newer, left alone otherwise.
func plan(pkg *deckPackage, st *ankiState, prune bool) *Plan {
	p := &Plan{Others: st.others}
	for _, n := range pkg.Notes {
		have := st.byID[n.ID]
		if len(have) == 0 {
			if !(n.Retired && prune) { // a retired note new to Anki is imported, then pruned: nothing
				p.Added = append(p.Added, n.ID)
			}
			continue
		}
		if len(have) > 1 {
			p.Duplicates = append(p.Duplicates, n.ID)
		}
		a := have[0]
		if i := slices.IndexFunc(have, func(a ankiNote) bool { return a.MID == n.MID }); i >= 0 {
			a = have[i]
		}
		if a.MID != n.MID {
			p.Conflicts = append(p.Conflicts, Conflict{ID: n.ID, Anki: pkg.Models[a.MID].Name, Deck: pkg.Models[n.MID].Name, AnkiNoteID: a.NID, DeckNoteType: n.MID})
			continue
		}
		same := slices.Equal(a.Fields, n.Fields) && sameTags(a.Tags, n.Tags)
		if !same && a.Mod != 0 && a.Mod >= n.Mod {
			p.Kept = append(p.Kept, n.ID)
			continue
		}
		p.importing = p.importing || !same
		switch {
		case n.Retired && prune:
			p.Deleted = append(p.Deleted, n.ID)
		case n.Retired:
			var move []int64
			for _, c := range a.Cards {
				if !st.retiredDeck[c] {
					move = append(move, c)
				}
			}
			if same && len(move) == 0 {
				p.Unchanged = append(p.Unchanged, n.ID)
			} else {
				p.Retired = append(p.Retired, n.ID)
				p.move = append(p.move, move...)
			}
		default:
			// A card that came back leaves the retired deck for its own.
			var back []int64
			for _, c := range a.Cards {
				if st.retiredDeck[c] {
					back = append(back, c)
				}
			}
			if len(back) > 0 && n.Deck != "" {
				if p.restore == nil {
					p.restore = map[string][]int64{}
				}
				p.restore[n.Deck] = append(p.restore[n.Deck], back...)
			}
			if same && len(back) == 0 {
				p.Unchanged = append(p.Unchanged, n.ID)
			} else {
				p.Updated = append(p.Updated, n.ID)
			}
		}
	}
	for mid, m := range pkg.Models {
		if a, ok := st.noteTypes[mid]; ok && !sameNoteType(a, m) {
			p.NoteTypes = append(p.NoteTypes, m.Name)
		}
	}
	p.importing = p.importing || len(p.Added) > 0 || len(p.NoteTypes) > 0
	for _, l := range [][]string{p.Added, p.Updated, p.Retired, p.Deleted, p.Unchanged, p.Kept, p.Duplicates, p.NoteTypes} {
		sort.Strings(l)
	}
	return p
}

// sameTags compares tag lists as Anki does: as sets, ignoring case.
func sameTags(a, b []string) bool {
	norm := func(t []string) []string {
		out := make([]string, len(t))
		for i, s := range t {
			out[i] = strings.ToLower(s)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(norm(a), norm(b))
}

// conflictError explains notes that Anki holds under another note type.
func conflictError(cs []Conflict) error {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%s (Anki: %s, deck: %s)", c.ID, c.Anki, c.Deck))
	}
	return fmt.Errorf("Anki holds %d note(s) of this deck under a different note type, which an import cannot update: %s; "+
		"in Anki, delete those notes or change them back to the deck's note type, then sync again (nothing was changed)",
		len(cs), strings.Join(parts, ", "))
}
