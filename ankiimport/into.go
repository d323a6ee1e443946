package ankiimport

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/ankinote"
	"github.com/cardgen/cardgen/internal/projlock"
)

// taken lists the card ids, GUIDs and note type slugs a project already uses.
func taken(d *cards.Deck) (ids, guids map[string]string, types map[string]bool) {
	ids, guids, types = map[string]string{}, map[string]string{}, map[string]bool{}
	for _, c := range d.Cards {
		where := fmt.Sprintf("card %q (%s:%d)", c.ID, c.File, c.Line)
		ids[c.ID] = where
		guids[cardGUID(d.Config, c)] = where
	}
	for _, name := range d.Config.TypeNames() {
		types[name] = true
	}
	return ids, guids, types
}

// writeInto adds the plan's cards to an existing project. Every new file is
// written to a temp folder first; then all are renamed into place, the
// config last, and undone if any step fails.
func writeInto(p *pkg, plan *Plan, deck *cards.Deck, opts Options) error {
	cfg := deck.Config
	root := cfg.Root
	// No build may read the project while its files change.
	held, err := projlock.Acquire(root, "import")
	if err != nil {
		return err
	}
	defer held.Release()
	cardsDir := cfg.CardsDir()
	ntDir := cfg.NoteTypesDir()
	tmp, err := os.MkdirTemp(root, ".cardgen-import-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	type move struct{ from, to string }
	var moves []move
	stage := func(final string, data []byte) error {
		if _, err := os.Lstat(final); err == nil {
			return fmt.Errorf("%s already exists", final)
		}
		f, err := os.CreateTemp(tmp, "file-")
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		moves = append(moves, move{f.Name(), final})
		return nil
	}
	var newTopics []Topic
	for _, t := range plan.Topics {
		header := ""
		name := filepath.Join(cardsDir, t.ID+".toml")
		if cfg.TopicIndex(t.ID) < 0 {
			newTopics = append(newTopics, t)
		}
		if _, err := os.Lstat(name); err == nil {
			header = "topic = " + tomlString(t.ID) + "\n\n"
			name = freeName(filepath.Join(cardsDir, t.ID+"-imported"), ".toml")
		}
		if err := stage(name, []byte(topicFile(t, header))); err != nil {
			return err
		}
	}
	for _, dt := range plan.NoteTypes {
		if err := stage(filepath.Join(ntDir, dt.Slug+".toml"), []byte(noteTypeFile(dt))); err != nil {
			return err
		}
	}
	mediaTmp := filepath.Join(tmp, "media")
	if err := os.Mkdir(mediaTmp, 0o755); err != nil {
		return err
	}
	mediaFiles := map[string]bool{}
	for _, name := range sortedKeys(plan.Inline) {
		if err := os.WriteFile(filepath.Join(mediaTmp, name), plan.Inline[name], 0o644); err != nil {
			return err
		}
		mediaFiles[name] = true
	}
	for _, name := range sortedKeys(plan.Media) {
		local := plan.Media[name]
		if err := p.extractMedia(name, filepath.Join(mediaTmp, local)); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
		mediaFiles[local] = true
	}
	for _, local := range sortedKeys(mediaFiles) {
		staged := filepath.Join(mediaTmp, local)
		final := filepath.Join(cardsDir, "media", local)
		if old, err := os.ReadFile(final); err == nil {
			now, _ := os.ReadFile(staged)
			if !bytes.Equal(old, now) {
				return fmt.Errorf("%s already exists with other content than the imported file of that name; rename one of them", final)
			}
			continue
		}
		moves = append(moves, move{staged, final})
	}
	config, err := os.ReadFile(cfg.Path)
	if err != nil {
		return err
	}
	newConfig := addToConfig(config, newTopics)
	var undo []move
	rollback := func() {
		for i := len(undo) - 1; i >= 0; i-- {
			_ = os.Rename(undo[i].to, undo[i].from)
		}
	}
	for _, m := range moves {
		if err := os.MkdirAll(filepath.Dir(m.to), 0o755); err != nil {
			rollback()
			return err
		}
		if err := os.Rename(m.from, m.to); err != nil {
			rollback()
			return err
		}
		undo = append(undo, m)
	}
	if !bytes.Equal(config, newConfig) {
		if err := replaceFile(cfg.Path, newConfig); err != nil {
			rollback()
			return err
		}
	}
	if opts.SeedLock != nil {
		if err := opts.SeedLock(cfg.Path, plan.CardMods, plan.NoteTypeMods); err != nil {
			rollback()
			_ = replaceFile(cfg.Path, config)
			return fmt.Errorf("writing the lock: %w", err)
		}
	}
	return nil
}

// freeName returns stem+ext, or stem-2+ext, … whichever does not exist.
func freeName(stem, ext string) string {
	name := stem + ext
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); errors.Is(err, os.ErrNotExist) {
			return name
		}
		name = fmt.Sprintf("%s-%d%s", stem, i, ext)
	}
}

// addToConfig appends the new topics to config.toml, keeping the rest as written.
func addToConfig(config []byte, topics []Topic) []byte {
	out := append([]byte{}, config...)
	if len(topics) == 0 {
		return out
	}
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	for _, t := range topics {
		out = append(out, fmt.Sprintf("\n[[topics]]\nid = %s\nname = %s\n", tomlString(t.ID), tomlString(t.Name))...)
	}
	return out
}

// replaceFile writes data to a temp file beside path and renames it over path.
func replaceFile(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".cardgen-")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), path)
}

// cardGUID is the GUID a project's card gets in its package.
func cardGUID(cfg *cards.Config, c *cards.Card) string {
	return ankinote.GUID(cfg.Deck.Namespace, c)
}
