// Package build runs cardgen's pipeline: load -> validate -> render -> filter
// -> each exporter -> atomic rename. Commands call it; tests call it directly.
package builder

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/apkg"
	"github.com/cardgen/cardgen/internal/faultinject"
	"github.com/cardgen/cardgen/internal/fileset"
	"github.com/cardgen/cardgen/internal/projlock"
	"github.com/cardgen/cardgen/lock"
)

// Options are the inputs of one build, parsed and checked by the caller.
type Options struct {
	// ConfigPath is config.toml.
	ConfigPath string
	// OutDir overrides the config's output folder.
	OutDir string
	// Formats overrides the formats of every target.
	Formats []string
	// Target builds only the named target.
	Target string
	// Filter, when not zero, builds one ad-hoc target with this selection instead of the config's targets.
	Filter cards.Filter
	// Epoch is the fixed build time (SOURCE_DATE_EPOCH); zero when unset.
	Epoch time.Time
	// Now is the clock used when Epoch is zero; nil means time.Now. Tests move it.
	Now func() time.Time
	// Locked fails the build, writing nothing, when the lock file is out of date (for CI).
	Locked bool
	// Paper is the paper size of the printable formats: "a4" (the default) or "letter".
	Paper string
	// Stderr receives the human-readable report.
	Stderr io.Writer
	// Cache, when set, keeps decoded and rendered topic files between builds.
	Cache *Cache
	// Quiet prints errors only.
	Quiet bool
	// Verbose also prints how long each stage took.
	Verbose bool
	// Progress shows a progress bar on Stderr when the build takes long (a terminal).
	Progress bool
	// KeepRepository leaves the lock file and the repository's generated
	// files as they are: the outputs follow the lock as it would be written
	// (a dry run of `cardgen sync`).
	KeepRepository bool
	// WriteRepo makes any build update the lock file and README, which
	// otherwise only a build of the configured targets into the configured
	// output folder does (docs/anki.md).
	WriteRepo bool
	// LimitMemory lets the build set the process's soft memory limit from
	// the size of the deck (see limitMemory); for a command, not a library caller.
	LimitMemory bool
}

// Artifact is one file a build wrote.
type Artifact struct {
	Path   string
	Format string
	Target string
	Cards  int
	// Topics are what the manifest records (see ManifestArtifact).
	Topics []string
	// SHA256 is the hex digest of the file's bytes.
	SHA256 string
	// AnkiCards is the number of cards Anki makes of the notes (reversed
	// and cloze notes make several), for the formats Anki imports; else 0.
	AnkiCards int
}

// Result reports what a build did.
type Result struct {
	Artifacts []Artifact
	Skipped   []string // formats asked for that this cardgen cannot write yet
}

type plan struct {
	target  cards.Target
	formats []string
}

// Run builds every selected target in every selected format. Nothing in the
// output folder changes unless every artifact was written completely.
func Run(opts Options) (*Result, error) {
	stderr := opts.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	begin := time.Now()
	var times *stageTimes
	if opts.Verbose {
		times = &stageTimes{}
	}
	prog := newProgress(stderr, opts.Progress && !opts.Quiet)
	defer prog.close()
	// Errors always go to stderr; the rest of the report only when not quiet.
	report := stderr
	if opts.Quiet {
		report = io.Discard
	}
	// One build, sync or import of a project at a time; an interrupted
	// build's commit is finished first.
	root := filepath.Dir(opts.ConfigPath)
	held, err := projlock.Acquire(root, "build")
	if err != nil {
		return nil, err
	}
	defer held.Release()
	// Cache entries are written in the background; the build returns when they are on disk.
	defer opts.Cache.Flush()
	if err := fileset.Recover(journalPath(root)); err != nil {
		return nil, err
	}
	if cfg, _ := cards.LoadConfig(opts.ConfigPath); cfg != nil {
		outDir := cfg.OutDir()
		if opts.OutDir != "" {
			outDir = opts.OutDir
		}
		if err := fileset.Recover(outJournalPath(outDir)); err != nil {
			return nil, err
		}
		fileset.Clean(outDir, root, filepath.Dir(cfg.LockPath()))
	}
	// The lock file does not depend on the cards: read it while they load.
	current := readLockAhead(opts.ConfigPath)
	deck, html, err := prepare(opts.ConfigPath, prepareOptions{render: true, quiet: opts.Quiet, cache: opts.Cache, times: times, prog: prog, limitMemory: opts.LimitMemory}, stderr)
	if err != nil {
		return nil, err
	}
	cfg := deck.Config
	plans, err := planTargets(cfg, opts)
	if err != nil {
		return nil, err
	}
	if err := checkLockPath(cfg, opts, plans); err != nil {
		return nil, err
	}
	if err := checkPaper(opts.Paper); err != nil {
		return nil, err
	}
	res := &Result{}
	for _, p := range plans {
		for _, f := range p.formats {
			if exporterFor(f) == nil {
				if !isPlanned(f) {
					return nil, fmt.Errorf("unknown format '%s'; available: %s", f, strings.Join(Formats(), ", "))
				}
				if !slices.Contains(res.Skipped, f) {
					res.Skipped = append(res.Skipped, f)
				}
			}
		}
	}
	for _, f := range res.Skipped {
		fmt.Fprintf(report, "cardgen: format '%s' is not available in this version yet; skipped\n", f)
	}

	start := time.Now()
	prog.begin("locking", -1)
	lockFile, err := updateLockWith(deck, html, opts, current)
	if err != nil {
		return nil, err
	}
	outDir := cfg.OutDir()
	if opts.OutDir != "" {
		outDir = opts.OutDir
	}
	// Experiments (an ad-hoc selection, another output folder) leave the
	// repository's lock and README alone: their exporters get the same note
	// times, computed in memory.
	writeRepo := !opts.KeepRepository && (opts.WriteRepo || opts.Filter.IsZero() && samePath(outDir, cfg.OutDir()))
	leftStale := ""
	if lockFile.Stale && !writeRepo && !opts.KeepRepository {
		leftStale = lockFile.Summary()
	}
	if !writeRepo {
		lockFile.Stale = false
	}
	// The new lock goes to its temporary file now rather than being held
	// through the exporters (38 MB for 100k cards); it is still renamed last.
	var lockTmp string
	if lockFile.Stale {
		if lockTmp, err = lock.WriteTemp(lockFile.Path, lockFile.Data); err != nil {
			return nil, err
		}
		defer func() {
			if lockTmp != "" {
				os.Remove(lockTmp)
			}
		}()
	}
	lockFile.Data = nil
	times.since("lock", start)
	if opts.LimitMemory {
		start := time.Now()
		limitMemory()
		times.since("gc", start)
	}

	if err := prepareOutDir(outDir); err != nil {
		return nil, err
	}

	warned := map[string]bool{}
	warn := func(format string, args ...any) {
		// A card's problem is told once, not once per target and format.
		if msg := fmt.Sprintf(format, args...); !warned[msg] {
			warned[msg] = true
			fmt.Fprintf(report, "cardgen: warning: %s\n", msg)
		}
	}
	// Formats this machine cannot write (pdf without a browser): the rest is still built.
	var unavailable []error
	unavailableFormat := map[string]bool{}

	var pending []pendingFile
	defer func() {
		for _, p := range pending {
			os.Remove(p.tmp)
		}
	}()
	// Every artifact is written side by side (exportJobs), then taken in plan
	// order, so the result, warnings and errors are those of a build one by one.
	var jobs []*exportJob
	for _, p := range plans {
		sub := deck.Filter(p.target.Filter())
		if len(sub.Cards) == 0 {
			if !opts.Filter.IsZero() {
				return nil, EmptySelection(deck, opts.Filter)
			}
			return nil, fmt.Errorf("target '%s' selects no cards; check its topics and tags in %s", p.target.Name, cfg.Path)
		}
		in := &exporters.Input{Deck: sub, Full: deck, Target: p.target.Name, HTML: html, Epoch: opts.Epoch, Lock: lockFile.Next,
			Paper: opts.Paper}
		for _, f := range p.formats {
			e := exporterFor(f)
			if e == nil {
				continue
			}
			jobs = append(jobs, &exportJob{e: e, format: f, in: in, target: p.target, sub: sub,
				final: filepath.Join(outDir, OutputName(cfg, p.target.Name, e.Extension()))})
		}
	}
	prog.begin("writing", len(jobs))
	runExports(outDir, jobs, printedLine(jobs, report, opts.Progress, prog.add))
	for _, j := range jobs {
		if j.tmp != "" {
			pending = append(pending, pendingFile{tmp: j.tmp, final: j.final})
		}
	}
	for _, j := range jobs {
		f := j.format
		if unavailableFormat[f] {
			continue
		}
		for _, msg := range j.warnings {
			warn("%s", msg)
		}
		err := j.err
		if ue := (*exporters.UnavailableError)(nil); errors.As(err, &ue) {
			unavailableFormat[f] = true
			if !slices.ContainsFunc(unavailable, func(u error) bool { return u.Error() == ue.Error() }) {
				unavailable = append(unavailable, ue)
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		times.add("write "+filepath.Base(j.final), j.took)
		res.Artifacts = append(res.Artifacts, Artifact{Path: j.final, Format: f, Target: j.target.Name, Cards: len(j.sub.Cards), Topics: topicsOf(j.target, j.sub), SHA256: j.sum,
			AnkiCards: ankiCards(f, j.sub)})
	}
	// Artifacts of a format found unavailable are not kept.
	pending = slices.DeleteFunc(pending, func(p pendingFile) bool {
		if slices.ContainsFunc(res.Artifacts, func(a Artifact) bool { return a.Path == p.final }) {
			return false
		}
		os.Remove(p.tmp)
		return true
	})
	prog.close()
	start = time.Now()
	sums, err := writeChecksums(outDir, cfg, res.Artifacts, pending)
	if err != nil {
		return nil, err
	}
	pending = append(pending, sums...)
	times.since("checksums", start)
	// Generated parts of the repository (README's question list) follow the full deck.
	var repo []pendingFile
	if writeRepo {
		if repo, err = stageRepoFiles(deck); err != nil {
			return nil, err
		}
	}
	set := fileset.Set{Journal: journalPath(cfg.Root), Dir: outDir}
	if (!writeRepo || checkWritable(cfg.Root) != nil) && len(repo) == 0 && !lockFile.Stale {
		// A read-only project folder, or one to keep as it is: only the output
		// folder changes, so its journal goes beside it.
		set.Journal = outJournalPath(outDir)
	}
	for _, p := range pending {
		set.DirFiles = append(set.DirFiles, fileset.File{Tmp: p.tmp, Final: p.final})
	}
	for _, p := range repo {
		set.Files = append(set.Files, fileset.File{Tmp: p.tmp, Final: p.final})
	}
	if lockFile.Stale {
		set.Files = append(set.Files, fileset.File{Tmp: lockTmp, Final: lockFile.Path})
	}
	// Every file is complete: only now replace the previous ones, all together.
	pending, lockTmp = nil, ""
	start = time.Now()
	if err := fileset.Commit(set); err != nil {
		return nil, err
	}
	times.since("commit", start)
	for _, a := range res.Artifacts {
		if a.AnkiCards > 0 {
			fmt.Fprintf(report, "wrote %s (%s, %s)\n", a.Path, plural(a.Cards, "note"), plural(a.AnkiCards, "card"))
		} else {
			fmt.Fprintf(report, "wrote %s (%s)\n", a.Path, plural(a.Cards, "card"))
		}
	}
	fmt.Fprintf(report, "wrote %s and %s\n", filepath.Join(outDir, SumsName), filepath.Join(outDir, ManifestName))
	if lockFile.Stale {
		fmt.Fprintf(report, "updated %s: %s\n", lockFile.Path, lockFile.Summary())
	} else if leftStale != "" {
		fmt.Fprintf(report, "left %s as it is (a build of another selection or folder; --write-lock updates it): %s\n", lockFile.Path, leftStale)
	}
	for _, p := range repo {
		fmt.Fprintf(report, "updated %s\n", p.final)
	}
	if times != nil {
		fmt.Fprintln(report, "time:")
		times.write(report, time.Since(begin))
	}
	if len(unavailable) > 0 {
		return res, errors.Join(unavailable...)
	}
	return res, nil
}

// JournalName is the commit journal a build leaves in the project folder
// only when it was interrupted while switching to its new files.
const JournalName = ".cardgen-journal.json"

func journalPath(root string) string { return filepath.Join(root, JournalName) }

// outJournalPath is the journal of a build whose project folder is read-only.
func outJournalPath(outDir string) string {
	return filepath.Join(filepath.Dir(filepath.Clean(outDir)), ".cardgen-journal-"+filepath.Base(filepath.Clean(outDir))+".json")
}

// nameChecker is an exporter that refuses some output file names.
type nameChecker interface{ CheckOutputName(path string) error }

// updateLock brings the lock up to date with the full deck, once per build
// and before any exporter runs; with --locked an out-of-date lock is an error.
func updateLock(deck *cards.Deck, html *exporters.Rendered, opts Options) (*lock.Plan, error) {
	return updateLockWith(deck, html, opts, nil)
}

// updateLockWith is updateLock with the lock file read ahead by current, when not nil.
func updateLockWith(deck *cards.Deck, html *exporters.Rendered, opts Options, current func() (*lock.Current, error)) (*lock.Plan, error) {
	states, noteTypes, err := lockStates(deck, html)
	if err != nil {
		return nil, err
	}
	now := opts.Epoch
	if now.IsZero() && opts.Now != nil {
		now = opts.Now()
	} else if now.IsZero() {
		now = time.Now()
	}
	var cur *lock.Current
	if current != nil {
		if cur, err = current(); err != nil {
			return nil, err
		}
	}
	var p *lock.Plan
	if cur != nil && cur.Path() == deck.Config.LockPath() {
		p = cur.Prepare(states, noteTypes, now.Unix())
	} else if p, err = lock.Prepare(deck.Config.LockPath(), states, noteTypes, now.Unix()); err != nil {
		return nil, err
	}
	if opts.Locked && p.Stale {
		return nil, p.OutOfDate()
	}
	return p, nil
}

// lockStates computes what the lock records for every card and note type
// of the full deck, exactly as every build does.
func lockStates(deck *cards.Deck, html *exporters.Rendered) ([]lock.CardState, map[string]string, error) {
	states, noteTypes, err := apkg.LockState(deck, html)
	if err != nil {
		return nil, nil, err
	}
	// The lock also keeps each card's additional topics, so `cardgen diff` can tell moves from locks alone.
	byID := make(map[string]*cards.Card, len(deck.Cards))
	for _, c := range deck.Cards {
		byID[c.ID] = c
	}
	for i := range states {
		if c := byID[states[i].ID]; c != nil && len(c.Topics) > 1 {
			states[i].Topics = c.Topics[1:]
		}
	}
	return states, noteTypes, nil
}

// OutputName is <deck-id>[-<target>]<ext>; the full target has no suffix.
func OutputName(cfg *cards.Config, target, ext string) string {
	if target == cards.FullTarget || target == "" {
		return cfg.Deck.ID + ext
	}
	return cfg.Deck.ID + "-" + target + ext
}

func planTargets(cfg *cards.Config, opts Options) ([]plan, error) {
	formatsFor := func(t cards.Target) []string {
		switch {
		case len(opts.Formats) > 0:
			return opts.Formats
		case len(t.Formats) > 0:
			return t.Formats
		}
		return cfg.Output.Formats
	}
	if !opts.Filter.IsZero() {
		if opts.Target != "" {
			return nil, errors.New("--target cannot be combined with --topic, --exclude-topic or --tag")
		}
		if err := opts.Filter.Check(cfg); err != nil {
			return nil, err
		}
		t := cards.Target{Name: adhocName(opts.Filter), Topics: opts.Filter.Topics,
			ExcludeTopics: opts.Filter.ExcludeTopics, Tags: opts.Filter.Tags}
		if err := checkNamePart(t.Name); err != nil {
			return nil, fmt.Errorf("--topic, --exclude-topic and --tag name the output files, and %w; pick a config target instead", err)
		}
		return []plan{{target: t, formats: formatsFor(t)}}, nil
	}
	var out []plan
	for _, t := range cfg.Targets {
		if opts.Target == "" || opts.Target == t.Name {
			if err := checkNamePart(t.Name); err != nil {
				return nil, fmt.Errorf("target %q: %w", t.Name, err)
			}
			out = append(out, plan{target: t, formats: formatsFor(t)})
		}
	}
	if opts.Target != "" && len(out) == 0 {
		var names []string
		for _, t := range cfg.Targets {
			names = append(names, t.Name)
		}
		return nil, fmt.Errorf("unknown target '%s'; targets in %s: %s", opts.Target, cfg.Path, strings.Join(names, ", "))
	}
	if len(out) == 0 {
		out = append(out, plan{target: cards.Target{Name: cards.FullTarget}, formats: formatsFor(cards.Target{})})
	}
	return out, nil
}

// checkLockPath fails when the lock file is also a file the build writes
// into the output folder: one would overwrite the other.
func checkLockPath(cfg *cards.Config, opts Options, plans []plan) error {
	outDir := cfg.OutDir()
	if opts.OutDir != "" {
		outDir = opts.OutDir
	}
	lockAbs, err := filepath.Abs(cfg.LockPath())
	if err != nil {
		return err
	}
	same := func(path string) bool {
		abs, err := filepath.Abs(path)
		return err == nil && abs == lockAbs
	}
	for _, name := range []string{SumsName, ManifestName} {
		if same(filepath.Join(outDir, name)) {
			return fmt.Errorf("the lock file %q is also where the build writes %s; set [deck] lock in %s to another path", cfg.LockPath(), name, cfg.Path)
		}
	}
	for _, p := range plans {
		for _, f := range p.formats {
			if e := exporterFor(f); e != nil && same(filepath.Join(outDir, OutputName(cfg, p.target.Name, e.Extension()))) {
				return fmt.Errorf("the lock file %q is also the %s output of target '%s'; set [deck] lock in %s to another path", cfg.LockPath(), f, p.target.Name, cfg.Path)
			}
		}
	}
	return nil
}

// checkNamePart fails unless name can be part of one output file name: the
// only place names from user input (targets, topics, tags) become paths.
func checkNamePart(name string) error {
	const maxName = 200 // leaves room for the deck id and extension within 255 bytes
	switch {
	case strings.ContainsAny(name, `/\:*?"<>|`):
		return fmt.Errorf("%q would not be one file name in the output folder (it holds a path separator or a character Windows refuses)", name)
	case strings.Contains(name, ".."), strings.HasPrefix(name, "."):
		return fmt.Errorf("%q would not be one file name in the output folder (it holds '..' or starts with '.')", name)
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }):
		return fmt.Errorf("%q holds a control character and cannot name a file", name)
	case len(name) > maxName:
		return fmt.Errorf("%.40q… is longer than %d bytes and cannot name a file", name, maxName)
	}
	return nil
}

// adhocName names a build selected by flags: --topic a,b gives "a-b".
func adhocName(f cards.Filter) string {
	var parts []string
	parts = append(parts, f.Topics...)
	for _, t := range f.ExcludeTopics {
		parts = append(parts, "no-"+t)
	}
	for _, t := range f.Tags {
		parts = append(parts, "tag-"+strings.NewReplacer("::", "-", "_", "-").Replace(t))
	}
	return strings.Join(parts, "-")
}

// samePath reports whether two paths name the same folder.
func samePath(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

func prepareOutDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return fmt.Errorf("output folder %s is a file; pass --out DIR naming a folder", dir)
	case err == nil:
		return checkWritable(dir)
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("output folder %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create output folder %s: %w", dir, err)
	}
	return nil
}

// checkWritable fails early, before any work, when dir cannot take new files.
func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".cardgen-probe-*")
	if err != nil {
		return fmt.Errorf("cannot write to output folder %s: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// exportWriter wraps the writer every exporter gets; tests replace it to inject failures.
var exportWriter = func(w io.Writer, format string) io.Writer { return w }

type pendingFile struct{ tmp, final string }

// writeTemp writes a complete file next to final, so the final rename is
// atomic. On any error the temporary file is removed.
func writeTemp(final string, write func(io.Writer) error) (path string, err error) {
	path, _, err = writeTempSum(final, write)
	return path, err
}

// writeTempSum is writeTemp that also returns the hex SHA-256 of what was
// written, hashed on the way out rather than by reading the file again.
func writeTempSum(final string, write func(io.Writer) error) (path, sum string, err error) {
	dir := filepath.Dir(final)
	if err := faultinject.At(faultinject.Point("create", final)); err != nil {
		return "", "", err
	}
	f, err := os.CreateTemp(dir, ".cardgen-*.tmp")
	if err != nil {
		return "", "", fmt.Errorf("cannot write to %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(faultWriter{f, faultinject.Point("write", final)}, h), 1<<20)
	if err = write(bw); err != nil {
		return "", "", err
	}
	if err = bw.Flush(); err != nil {
		return "", "", err
	}
	if err = faultinject.At(faultinject.Point("sync", final)); err != nil {
		return "", "", err
	}
	if err = f.Sync(); err != nil {
		return "", "", err
	}
	if err = f.Chmod(0o644); err != nil {
		return "", "", err
	}
	if err = f.Close(); err != nil {
		return "", "", err
	}
	return f.Name(), hex.EncodeToString(h.Sum(nil)), nil
}

// faultWriter passes the fault point of a file's writes (a full disk, in a test).
type faultWriter struct {
	w     io.Writer
	point string
}

func (f faultWriter) Write(p []byte) (int, error) {
	if err := faultinject.At(f.point); err != nil {
		return 0, err
	}
	return f.w.Write(p)
}

// EpochFromEnv reads SOURCE_DATE_EPOCH (seconds since 1970, UTC); zero when unset.
func EpochFromEnv() (time.Time, error) {
	return epochFrom(os.Getenv("SOURCE_DATE_EPOCH"), time.Now())
}

// futureSlack is how far SOURCE_DATE_EPOCH may lie ahead of the clock (skew).
const futureSlack = time.Hour

func epochFrom(v string, now time.Time) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > lock.MaxMod {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds between 1970 and 2100", v)
	}
	t := time.Unix(n, 0).UTC()
	// Notes would carry a future mod, which Anki's Check Database resets to
	// the present, and every later import would then update them again.
	if t.After(now.Add(futureSlack)) {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%s (%s) is in the future; Anki would update every note it changes again on each import (docs/anki.md); use the last commit's time",
			v, t.Format(time.RFC3339))
	}
	return t, nil
}

// readLockAhead starts reading and parsing the lock file of the config at
// configPath; the result is nil when the config cannot be read, and then
// the build reports why and reads the lock itself.
func readLockAhead(configPath string) func() (*lock.Current, error) {
	cfg, _ := cards.LoadConfig(configPath)
	if cfg == nil {
		return func() (*lock.Current, error) { return nil, nil }
	}
	type result struct {
		cur *lock.Current
		err error
	}
	ch := make(chan result, 1)
	go func() {
		cur, err := lock.ReadCurrent(cfg.LockPath())
		ch <- result{cur, err}
	}()
	return func() (*lock.Current, error) {
		r := <-ch
		return r.cur, r.err
	}
}
