package builder

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/lock"
)

// SeedLock writes the lock of the project at configPath as `cardgen build`
// would compute it, except that a card's mod is cardMods[card id] and a
// declared note type's mod is noteTypeMods[slug] where given. A project
// brought from Anki keeps its notes' modification times that way, so the
// first build after the import updates nothing that did not change, and
// `cardgen build --locked` and `cardgen validate --strict` accept the project
// at once. Entries the maps leave out get the build time (SOURCE_DATE_EPOCH,
// else the clock), or keep their mod when the lock already has them
// unchanged. The file is replaced atomically; on any error it is left as it was.
func SeedLock(configPath string, cardMods map[string]int64, noteTypeMods map[string]int64) error {
	var report bytes.Buffer
	deck, html, err := prepare(configPath, prepareOptions{render: true, quiet: true}, &report)
	if err != nil {
		if cards.IsValidation(err) {
			return fmt.Errorf("%s%w", report.String(), err)
		}
		return err
	}
	states, noteTypes, err := lockStates(deck, html)
	if err != nil {
		return err
	}
	inSet := make(map[string]bool, len(states))
	for _, s := range states {
		inSet[s.ID] = true
	}
	var unknown []string
	for id, mod := range cardMods {
		if !inSet[id] {
			unknown = append(unknown, "card '"+id+"'")
		} else if mod <= 0 {
			return fmt.Errorf("card '%s': mod %d is not a time in seconds", id, mod)
		}
	}
	for slug, mod := range noteTypeMods {
		if deck.Config.NoteType(slug) == nil {
			unknown = append(unknown, "note type '"+slug+"'")
		} else if mod <= 0 {
			return fmt.Errorf("note type '%s': mod %d is not a time in seconds", slug, mod)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return fmt.Errorf("%s: cannot seed the lock of %s: not in the project", configPath, strings.Join(unknown, ", "))
	}
	now, err := EpochFromEnv()
	if err != nil {
		return err
	}
	if now.IsZero() {
		now = time.Now()
	}
	path := deck.Config.LockPath()
	cur, err := lock.Load(path)
	if err != nil {
		return err
	}
	next, _ := cur.Update(states, noteTypes, now.Unix())
	for id, mod := range cardMods {
		e := next.Cards[id]
		e.Mod = mod
		next.Cards[id] = e
	}
	for slug, mod := range noteTypeMods {
		e := next.NoteTypes[slug]
		e.Mod = mod
		next.NoteTypes[slug] = e
	}
	return next.Save(path)
}
