// Package ankiimport turns an Anki package (.apkg or .colpkg, every format
// Anki writes or has written) into a cardgen question set, keeping every
// note's identity: its GUID, its note type id and its modification time,
// so the first build after an import updates the learners' notes in place.
package ankiimport

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cardgen/cardgen/cards"
)

// Options are the command's flags as plain values.
type Options struct {
	// File is the .apkg or .colpkg to read.
	File string
	// Dir is the new project's folder; empty means a folder named after the deck.
	Dir string
	// Into is the config.toml of an existing project to add the notes to.
	Into string
	// Deck picks one deck and its subdecks.
	Deck string
	// Namespace sets the new project's namespace.
	Namespace string
	// Maps are --map NOTETYPE=question:FIELD,answer:FIELD,... values.
	Maps []string
	// DryRun prints the plan and writes nothing.
	DryRun bool
	Limits Limits
	// SeedLock writes the project's lock with the notes' modification times.
	SeedLock func(configPath string, cardMods, noteTypeMods map[string]int64) error
	Stdout   io.Writer
}

// Result says what an import did.
type Result struct {
	Plan *Plan
	// Dir is the project folder written (empty for a dry run).
	Dir string
}

// Run imports opts.File. On any problem it writes nothing and returns
// every problem found (a Problems error).
func Run(opts Options) (*Result, error) {
	if opts.Limits == (Limits{}) {
		opts.Limits = DefaultLimits
	}
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	maps, probs := parseMaps(opts.Maps)
	if opts.Into != "" && opts.Dir != "" {
		probs = append(probs, "give either a new folder or --into PROJECT, not both")
	}
	in := planInput{File: opts.File, Deck: opts.Deck, Namespace: opts.Namespace, Maps: maps}
	var into *cards.Deck
	if opts.Into != "" {
		var err error
		if into, err = loadProject(opts.Into); err != nil {
			probs = append(probs, err.Error())
		} else {
			in.IntoNamespace = into.Config.Deck.Namespace
			in.TakenIDs, in.TakenGUIDs, in.TakenTypes = taken(into)
			in.Existing = map[int64]*cards.NoteType{}
			for _, nt := range into.Config.NoteTypes {
				in.Existing[nt.ID] = nt
			}
			if opts.Namespace != "" && opts.Namespace != in.IntoNamespace {
				probs = append(probs, fmt.Sprintf("--namespace %s: the project %s has namespace %q, which cannot change", opts.Namespace, into.Config.Path, in.IntoNamespace))
			}
		}
	}
	p, err := openPackage(opts.File, opts.Limits)
	if err != nil {
		return nil, append(probs, err.Error())
	}
	defer p.Close()
	scratch, err := os.MkdirTemp("", "cardgen-import-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	col, err := p.readCollection(scratch)
	if err != nil {
		return nil, append(probs, err.Error())
	}
	in.HasMedia = func(name string) bool { return p.mediaFile(name) != nil }
	in.MediaCount = len(p.media)
	for _, name := range sortedKeys(p.media) {
		if strings.HasPrefix(name, "_") {
			in.TemplateMedia = append(in.TemplateMedia, name)
		}
	}
	plan, more := buildPlan(col, in)
	probs = append(probs, more...)
	if len(probs) > 0 {
		return nil, probs
	}
	res := &Result{Plan: plan}
	if opts.DryRun {
		printPlan(opts.Stdout, plan, opts)
		return res, nil
	}
	if into != nil {
		res.Dir = into.Config.Root
		err = writeInto(p, plan, into, opts)
	} else {
		res.Dir, err = writeNew(p, plan, opts)
	}
	if err != nil {
		return nil, err
	}
	printPlan(opts.Stdout, plan, opts)
	return res, nil
}

// loadProject loads the project named by --into: a config.toml or its folder.
func loadProject(into string) (*cards.Deck, error) {
	cfg := into
	if fi, err := os.Stat(into); err == nil && fi.IsDir() {
		cfg = filepath.Join(into, "config.toml")
	}
	deck, ds := cards.Load(cfg)
	if err := ds.Err(false); err != nil || deck == nil {
		return nil, fmt.Errorf("--into %s: the project does not validate; fix it first: %v", into, err)
	}
	return deck, nil
}

// printPlan tells what the import writes: topics, cards per note type, warnings.
func printPlan(w io.Writer, p *Plan, opts Options) {
	verb := "imported"
	if opts.DryRun {
		verb = "would import"
	}
	total := 0
	perType := map[string]int{}
	for _, t := range p.Topics {
		total += len(t.Cards)
		for _, c := range t.Cards {
			perType[c.Type]++
		}
	}
	fmt.Fprintf(w, "%s %d notes from %s into deck %q (namespace %q)\n", verb, total, opts.File, p.DeckName, p.Namespace)
	fmt.Fprintf(w, "topics:\n")
	for _, t := range p.Topics {
		fmt.Fprintf(w, "  %-24s %4d cards  %s\n", t.ID, len(t.Cards), t.Name)
	}
	fmt.Fprintf(w, "cards per note type:\n")
	for _, k := range sortedKeys(perType) {
		fmt.Fprintf(w, "  %-24s %4d\n", k, perType[k])
	}
	if len(p.Media) > 0 {
		fmt.Fprintf(w, "media files: %d\n", len(p.Media))
	}
	for _, warning := range p.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warning)
	}
}

// writeNew writes a new project into a temp folder beside the target and
// renames it into place, so a failed import leaves nothing.
func writeNew(p *pkg, plan *Plan, opts Options) (string, error) {
	dir := opts.Dir
	if dir == "" {
		dir = folderName(plan.DeckName)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return "", fmt.Errorf("%s exists and is not empty; name a new folder (cardgen import FILE NEWDIR) or use --into", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("%s: %w", dir, err)
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(parent, ".cardgen-import-")
	if err != nil {
		return "", err
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	files := map[string]string{"config.toml": configFile(plan)}
	for _, t := range plan.Topics {
		files[filepath.Join("cards", t.ID+".toml")] = topicFile(t, "")
	}
	for _, dt := range plan.NoteTypes {
		files[filepath.Join("notetypes", dt.Slug+".toml")] = noteTypeFile(dt)
	}
	if err := writeFiles(tmp, files); err != nil {
		return "", err
	}
	if err := extractMedia(p, plan, filepath.Join(tmp, "cards", "media")); err != nil {
		return "", err
	}
	if opts.SeedLock != nil {
		if err := opts.SeedLock(filepath.Join(tmp, "config.toml"), plan.CardMods, plan.NoteTypeMods); err != nil {
			// Messages name the files as they would have been, not the temp folder.
			return "", fmt.Errorf("the imported project does not build, so nothing was written: %s", strings.ReplaceAll(err.Error(), tmp, filepath.Clean(dir)))
		}
	}
	_ = os.Remove(dir) // an empty folder may stand where the project goes
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	done = true
	return dir, nil
}

// folderName is a folder name made of the deck's name.
func folderName(deck string) string {
	s := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < 0x20 || strings.ContainsRune(`<>"|?*`, r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(deck))
	s = strings.Trim(s, ". -")
	if s == "" {
		s = "imported-deck"
	}
	return s
}

func writeFiles(root string, files map[string]string) error {
	for _, name := range sortedKeys(files) {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(files[name]), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func extractMedia(p *pkg, plan *Plan, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range sortedKeys(plan.Inline) {
		if err := os.WriteFile(filepath.Join(dir, name), plan.Inline[name], 0o644); err != nil {
			return err
		}
	}
	for _, name := range sortedKeys(plan.Media) {
		if err := p.extractMedia(name, filepath.Join(dir, plan.Media[name])); err != nil {
			if errors.Is(err, os.ErrExist) {
				continue // two package names that map to one file name: same content hash
			}
			return err
		}
	}
	return nil
}
