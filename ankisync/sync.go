package ankisync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cardgen/cardgen/builder"
	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/ankinote"
)

// Options are the inputs of one sync, parsed and checked by the caller.
type Options struct {
	// ConfigPath is config.toml.
	ConfigPath string
	// Target and Filter select the deck as for `cardgen build`; neither means the full deck.
	Target string
	Filter cards.Filter
	// URL is AnkiConnect's address; Key its API key ("" for none).
	URL, Key string
	// Timeout bounds each request to AnkiConnect.
	Timeout time.Duration
	// DryRun prints what would change and changes nothing.
	DryRun bool
	// Prune deletes the deck's retired notes from Anki.
	Prune bool
	// Yes confirms --prune without asking.
	Yes bool
	// AnkiWeb runs Anki's sync with AnkiWeb at the end.
	AnkiWeb bool
	// Confirm asks a yes/no question on a terminal; nil when there is none.
	Confirm func(question string) (bool, error)
	// Epoch is the fixed build time (SOURCE_DATE_EPOCH); zero when unset.
	Epoch time.Time
	// Cache, when set, is the build cache.
	Cache *builder.Cache
	// Stdout receives the summary, Stderr the build's warnings.
	Stdout, Stderr io.Writer
}

// requiredActions are the AnkiConnect actions a sync uses, checked before anything changes.
var requiredActions = []string{"version", "multi", "findNotes", "findCards", "notesInfo", "modelNamesAndIds",
	"modelFieldNames", "modelTemplates", "modelStyling", "getMediaDirPath", "getMediaFilesNames", "storeMediaFile",
	"importPackage", "deleteMediaFile", "changeDeck", "deleteNotes"}

// Run builds the selected deck and brings the Anki behind opts.URL in line with it.
func Run(ctx context.Context, opts Options) (*Plan, error) {
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	if opts.Prune && !opts.Yes && opts.Confirm == nil && !opts.DryRun {
		return nil, errors.New("--prune deletes notes from Anki; off a terminal it needs --yes to confirm")
	}
	cfg, ds := cards.LoadConfig(opts.ConfigPath)
	if cfg == nil || ds.Failed(false) {
		return nil, ds.Err(false)
	}
	target := opts.Target
	if target == "" && opts.Filter.IsZero() {
		target = cards.FullTarget
	}
	full := target == cards.FullTarget
	if opts.Prune && !full {
		return nil, fmt.Errorf("--prune needs the full deck (target '%s'): only it carries the retired cards; drop --target/--topic/--tag", cards.FullTarget)
	}
	c := NewClient(opts.URL, opts.Key)
	call := func(f func(ctx context.Context) error) error {
		ctx, cancel := timeoutContext(ctx, opts.Timeout)
		defer cancel()
		return f(ctx)
	}
	if err := call(func(ctx context.Context) error { return connect(ctx, c) }); err != nil {
		return nil, err
	}

	pkgPath, cleanup, err := buildPackage(cfg, target, opts)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	pkg, err := readPackage(pkgPath)
	if err != nil {
		return nil, err
	}
	for _, n := range pkg.Notes {
		if n.GUID != cards.GUID(cfg.Deck.Namespace, n.ID) {
			return nil, fmt.Errorf("%s: note %s has GUID %s, not the one namespace %q gives; not this deck's package", pkgPath, n.ID, n.GUID, cfg.Deck.Namespace)
		}
	}
	retiredDeck := ankinote.RetiredDeckName(cfg)
	var st *ankiState
	if err := call(func(ctx context.Context) (err error) { st, err = readAnki(ctx, c, pkg, retiredDeck); return err }); err != nil {
		return nil, err
	}
	p := plan(pkg, st, opts.Prune)
	where := fmt.Sprintf("%s into Anki at %s", deckLabel(cfg, target, opts.Filter), opts.URL)
	if opts.DryRun {
		fmt.Fprintf(opts.Stdout, "dry run: syncing %s would change:\n", where)
		p.write(opts.Stdout, st.reportsMod)
		if len(p.Conflicts) > 0 {
			return p, conflictError(p.Conflicts)
		}
		return p, nil
	}
	if len(p.Conflicts) > 0 {
		p.write(opts.Stdout, st.reportsMod)
		return p, conflictError(p.Conflicts)
	}
	if len(p.Deleted) > 0 && !opts.Yes {
		ok, err := opts.Confirm(fmt.Sprintf("Delete %d retired note(s) of this deck from Anki, with their review history (%s)?", len(p.Deleted), strings.Join(p.Deleted, ", ")))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errors.New("nothing was changed: deleting retired notes was not confirmed")
		}
	}

	// Anki's own importer does the adding and updating: GUID matching, mod
	// rules and media exactly as for File → Import.
	if p.importing {
		if err := call(func(ctx context.Context) error { return importPackage(ctx, c, pkgPath) }); err != nil {
			return nil, err
		}
	} else if err := call(func(ctx context.Context) error { return removePackages(ctx, c) }); err != nil {
		return nil, err
	}
	if len(p.move) > 0 {
		if err := call(func(ctx context.Context) error { return c.ChangeDeck(ctx, p.move, retiredDeck) }); err != nil {
			return nil, afterImport(err)
		}
	}
	for _, deck := range slices.Sorted(maps.Keys(p.restore)) {
		if err := call(func(ctx context.Context) error { return c.ChangeDeck(ctx, p.restore[deck], deck) }); err != nil {
			return nil, afterImport(err)
		}
	}
	if opts.Prune {
		if err := call(func(ctx context.Context) error { return prune(ctx, c, pkg, st, retiredDeck, p) }); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(opts.Stdout, "synced %s:\n", where)
	p.write(opts.Stdout, st.reportsMod)
	if opts.AnkiWeb {
		if err := call(func(ctx context.Context) error { return c.Sync(ctx) }); err != nil {
			return p, fmt.Errorf("%w (the deck is synced into Anki; only the sync with AnkiWeb failed)", err)
		}
		fmt.Fprintln(opts.Stdout, "synced Anki with AnkiWeb")
	}
	return p, nil
}

// prune deletes the retired notes, deciding on what Anki holds after the
// import: a note goes only when it is exactly the retired note the package
// carries for a card the lock records as retired, under the deck's note type.
// p.Deleted becomes what was deleted of the notes Anki held before (st).
func prune(ctx context.Context, c *Client, pkg *deckPackage, st *ankiState, retiredDeck string, p *Plan) error {
	after, err := readAnki(ctx, c, pkg, retiredDeck)
	if err != nil {
		return err
	}
	del := retiredNotes(pkg, after)
	if len(del) > 0 {
		nids := make([]int64, len(del))
		for i, n := range del {
			nids[i] = n.NID
		}
		if err := c.DeleteNotes(ctx, nids); err != nil {
			return afterImport(err)
		}
	}
	// Retired notes this very import added are not news.
	p.Deleted = nil
	for _, n := range del {
		if slices.ContainsFunc(st.byID[n.ID], func(a ankiNote) bool { return a.NID == n.NID }) {
			p.Deleted = append(p.Deleted, n.ID)
		}
	}
	slices.Sort(p.Deleted)
	return nil
}

// afterImport explains an error that came once the import was done.
func afterImport(err error) error {
	if strings.Contains(err.Error(), "run the sync again") {
		return err
	}
	return fmt.Errorf("%w (the import is done; run the sync again to finish)", err)
}

// connect checks, before anything changes, that AnkiConnect lets this
// client in, takes the key and has every action the sync uses.
func connect(ctx context.Context, c *Client) error {
	perm, err := c.RequestPermission(ctx)
	if err != nil {
		return err
	}
	if perm.Permission != "granted" {
		return errors.New("AnkiConnect denied permission (requestPermission): allow this client in Anki's AnkiConnect prompt, or remove it from \"ignoreOriginList\" in the add-on's config")
	}
	if perm.RequireAPIKey && c.Key == "" {
		return fmt.Errorf("AnkiConnect requires an API key: pass the \"apiKey\" of its config with --key or $%s", EnvKey)
	}
	v, err := c.Version(ctx)
	if err != nil {
		return err
	}
	if v < APIVersion {
		return fmt.Errorf("AnkiConnect speaks API version %d; cardgen needs %d: update the add-on (code %s)", v, APIVersion, AddonCode)
	}
	missing, err := c.MissingActions(ctx, requiredActions)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("this AnkiConnect lacks the action(s) %s: update the add-on (Tools → Add-ons → Check for Updates; code %s)", strings.Join(missing, ", "), AddonCode)
	}
	return nil
}

// importPackage sends the package into Anki's media folder (so Anki may run
// on another machine), imports it from there and removes it again.
func importPackage(ctx context.Context, c *Client, path string) error {
	path, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	name := strings.Replace(packagePattern, "*", hex.EncodeToString(sum[:8]), 1)
	dir, err := c.MediaDirPath(ctx)
	if err != nil {
		return err
	}
	// When Anki runs on this machine it reads the package itself: AnkiConnect
	// reads a request body 1 KB at a time with quadratic copying, some 20 s
	// for the 6 MB of a 10,000-card deck in base64. On another machine (or
	// through a tunnel) the path does not exist there, and the bytes go in
	// the request.
	stored, err := c.StoreMediaFilePath(ctx, name, path)
	var ae *Error
	if errors.As(err, &ae) {
		stored, err = c.StoreMediaFile(ctx, name, data)
	}
	if err != nil {
		return err
	}
	if err := c.ImportPackage(ctx, joinRemote(dir, stored)); err != nil {
		if errors.As(err, &ae) {
			// Anki's importer answered an error: its transaction left the collection as it was.
			removePackages(context.WithoutCancel(ctx), c)
			return fmt.Errorf("%w (nothing was imported)", err)
		}
		return err
	}
	return removePackages(ctx, c)
}

// packagePattern matches the packages a sync puts into Anki's media folder.
const packagePattern = "cardgen-sync-*.apkg"

// removePackages deletes every package a sync put into Anki's media folder,
// this one's and any an interrupted sync left behind.
func removePackages(ctx context.Context, c *Client) error {
	names, err := c.MediaFileNames(ctx, packagePattern)
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := c.DeleteMediaFile(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// joinRemote joins a file name to a folder of Anki's machine, whose
// separator may not be this machine's.
func joinRemote(dir, name string) string {
	sep := "/"
	if strings.Contains(dir, `\`) && !strings.Contains(dir, "/") {
		sep = `\`
	}
	return strings.TrimRight(dir, sep) + sep + name
}

// retiredNotes are the notes Anki holds that are exactly a retired note of the package.
func retiredNotes(pkg *deckPackage, st *ankiState) []ankiNote {
	var out []ankiNote
	for _, n := range pkg.Notes {
		if !n.Retired {
			continue
		}
		for _, a := range st.byID[n.ID] {
			if a.MID == n.MID && slices.Equal(a.Fields, n.Fields) && sameTags(a.Tags, n.Tags) {
				out = append(out, a)
			}
		}
	}
	return out
}

// buildPackage builds the selected deck's .apkg into a temporary folder,
// through the same builder as `cardgen build`, so the bytes are the same.
// A dry run leaves the lock file as it is.
func buildPackage(cfg *cards.Config, target string, opts Options) (string, func(), error) {
	if target == cards.FullTarget && !slices.ContainsFunc(cfg.Targets, func(t cards.Target) bool { return t.Name == target }) {
		if len(cfg.Targets) > 0 {
			return "", nil, fmt.Errorf("%s has targets but none named '%s' (the full deck); pass --target NAME", cfg.Path, cards.FullTarget)
		}
		target = "" // a config without targets builds the full deck only
	}
	dir, err := os.MkdirTemp("", "cardgen-sync-*")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	res, err := builder.Run(builder.Options{ConfigPath: opts.ConfigPath, OutDir: dir, Formats: []string{"apkg"},
		Target: target, Filter: opts.Filter, Epoch: opts.Epoch, Quiet: true, Stderr: opts.Stderr, Cache: opts.Cache,
		KeepRepository: opts.DryRun})
	if err != nil {
		cleanup()
		return "", nil, err
	}
	if len(res.Artifacts) != 1 {
		cleanup()
		return "", nil, fmt.Errorf("the build wrote %d packages, expected one", len(res.Artifacts))
	}
	return res.Artifacts[0].Path, cleanup, nil
}

func deckLabel(cfg *cards.Config, target string, f cards.Filter) string {
	if target != "" {
		return fmt.Sprintf("%s (target %s)", cfg.Deck.ID, target)
	}
	var sel []string
	if len(f.Topics) > 0 {
		sel = append(sel, "topics "+strings.Join(f.Topics, ","))
	}
	if len(f.ExcludeTopics) > 0 {
		sel = append(sel, "without "+strings.Join(f.ExcludeTopics, ","))
	}
	if len(f.Tags) > 0 {
		sel = append(sel, "tags "+strings.Join(f.Tags, ","))
	}
	return fmt.Sprintf("%s (%s)", cfg.Deck.ID, strings.Join(sel, "; "))
}

// write prints the plan: a count and the card ids of every kind of change.
func (p *Plan) write(w io.Writer, reportsMod bool) {
	line := func(name string, ids []string, showIDs bool) {
		fmt.Fprintf(w, "  %-10s %5d", name, len(ids))
		if showIDs && len(ids) > 0 {
			fmt.Fprintf(w, "  %s", strings.Join(ids, " "))
		}
		fmt.Fprintln(w)
	}
	line("added", p.Added, true)
	line("updated", p.Updated, true)
	line("retired", p.Retired, true)
	line("deleted", p.Deleted, true)
	line("unchanged", p.Unchanged, false)
	if len(p.NoteTypes) > 0 {
		fmt.Fprintf(w, "  note types %d  %s (templates or styling; Anki keeps its own if edited there since)\n", len(p.NoteTypes), strings.Join(p.NoteTypes, ", "))
	}
	if len(p.Kept) > 0 {
		line("kept", p.Kept, true)
		fmt.Fprintln(w, "  (kept: changed in Anki after this build; Anki keeps its copy)")
	}
	if len(p.Conflicts) > 0 {
		ids := make([]string, len(p.Conflicts))
		for i, c := range p.Conflicts {
			ids[i] = c.ID
		}
		line("conflicts", ids, true)
	}
	if len(p.Duplicates) > 0 {
		fmt.Fprintf(w, "  warning: Anki holds more than one note for %s; cardgen leaves them alone\n", strings.Join(p.Duplicates, " "))
	}
	if p.Others > 0 {
		fmt.Fprintf(w, "  left alone: %d note(s) of this deck's note types that this package does not carry (other topics, or notes made in Anki)\n", p.Others)
	}
	if !reportsMod && len(p.Updated)+len(p.Retired) > 0 {
		fmt.Fprintln(w, "  (this AnkiConnect does not report modification times: a note edited in Anki after the build is counted as updated, though Anki keeps it)")
	}
}
