package cards

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	"github.com/BurntSushi/toml"
)

// Config is config.toml: the deck's identity, its topics and what to build.
type Config struct {
	Deck    DeckConfig   `toml:"deck"`
	Output  OutputConfig `toml:"output"`
	Topics  []Topic      `toml:"topics"`
	Targets []Target     `toml:"targets"`

	// Path is the config file as given; Root is its folder, against which
	// every relative path in the config is resolved.
	Path string `toml:"-"`
	Root string `toml:"-"`

	// NoteTypes are the declared note types of the notetypes folder, in slug order.
	NoteTypes []*NoteType `toml:"-"`

	index *tomlIndex
}

// CheckFormats reports every output format the config names that is not in known.
func (c *Config) CheckFormats(known []string) Diagnostics {
	var ds Diagnostics
	check := func(formats []string, line int, where string) {
		for _, f := range formats {
			if !slices.Contains(known, f) {
				ds.errorf(c.Path, line, "%s names unknown format '%s'%s", where, f, didYouMean(f, known))
			}
		}
	}
	check(c.Output.Formats, c.index.firstKeyLine("output", "formats"), "[output] formats")
	targets := c.index.headerLines("targets")
	for i, t := range c.Targets {
		check(t.Formats, at(targets, i), fmt.Sprintf("target '%s'", t.Name))
	}
	return ds
}

// DeckConfig names the deck and fixes its identity.
type DeckConfig struct {
	// ID is the stem of every output file name (cv-interview.apkg).
	ID string `toml:"id"`
	// Namespace seeds every generated identity (note GUIDs, note type and deck ids).
	// It never changes once a deck is published.
	Namespace   string `toml:"namespace"`
	Name        string `toml:"name"`
	Description string `toml:"description"`
	// Cards is the folder holding the topic files, relative to the config.
	Cards string `toml:"cards"`
	// Lock is the lock file recording content hashes and modification times.
	Lock string `toml:"lock"`
	// NoteTypes is the folder of declared note types, one <slug>.toml each.
	NoteTypes string `toml:"notetypes"`
}

// OutputConfig sets the defaults of `cardgen build`.
type OutputConfig struct {
	Dir     string   `toml:"dir"`
	Formats []string `toml:"formats"`
}

// Topic is one entry of the controlled topic vocabulary; its order is its place in config.toml.
type Topic struct {
	ID          string `toml:"id"`
	Name        string `toml:"name"`
	Description string `toml:"description"`
}

// Target is one named build: a filter over the deck and the formats to write.
// The target named "all" is the full deck and gives files without a suffix.
type Target struct {
	Name          string   `toml:"name"`
	Topics        []string `toml:"topics"`
	ExcludeTopics []string `toml:"exclude_topics"`
	Tags          []string `toml:"tags"`
	Formats       []string `toml:"formats"`
}

// FullTarget is the name of the target that builds the whole deck.
const FullTarget = "all"

// Filter returns the card filter this target selects.
func (t Target) Filter() Filter {
	return Filter{Topics: t.Topics, ExcludeTopics: t.ExcludeTopics, Tags: t.Tags}
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// IsSlug reports whether s is a valid identifier: lowercase ASCII letters, digits and single dashes.
func IsSlug(s string) bool { return slugRE.MatchString(s) }

// CardsDir is the absolute-or-relative folder of topic files.
func (c *Config) CardsDir() string { return c.resolve(c.Deck.Cards) }

// LockPath is the lock file's path.
func (c *Config) LockPath() string { return c.resolve(c.Deck.Lock) }

// OutDir is the default output folder.
func (c *Config) OutDir() string { return c.resolve(c.Output.Dir) }

func (c *Config) resolve(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Root, p)
}

// TopicIndex returns the position of a topic id in the vocabulary, or -1.
func (c *Config) TopicIndex(id string) int {
	for i, t := range c.Topics {
		if t.ID == id {
			return i
		}
	}
	return -1
}

// TopicIDs lists the topic ids in config order.
func (c *Config) TopicIDs() []string {
	ids := make([]string, len(c.Topics))
	for i, t := range c.Topics {
		ids[i] = t.ID
	}
	return ids
}

// TargetByName finds a target, or returns false.
func (c *Config) TargetByName(name string) (Target, bool) {
	for _, t := range c.Targets {
		if t.Name == name {
			return t, true
		}
	}
	return Target{}, false
}

// LoadConfig reads and checks config.toml. Every problem is reported at once.
func LoadConfig(path string) (*Config, Diagnostics) {
	var ds Diagnostics
	data, err := readInput(path, MaxConfigBytes)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			ds.errorf(path, 0, "config file not found; run cardgen from the deck's folder or pass --config FILE")
		} else {
			ds.errorf(path, 0, "cannot read config: %v", err)
		}
		return nil, ds
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if msg, line := checkText(data); msg != "" {
		ds.errorf(path, line, "%s", msg)
		return nil, ds
	}
	if msg, line := checkShape(data); msg != "" {
		ds.errorf(path, line, "%s", msg)
		return nil, ds
	}
	cfg := &Config{Path: path, Root: filepath.Dir(path)}
	md, err := toml.Decode(string(data), cfg)
	if err != nil {
		ds = append(ds, tomlDiagnostic(path, err))
		return nil, ds
	}
	idx := scanTOML(data)
	cfg.index = idx
	for _, k := range md.Undecoded() {
		name := k[len(k)-1]
		table := k[:len(k)-1].String()
		allowed := configKeys[table]
		line := idx.firstKeyLine(table, name)
		msg := fmt.Sprintf("unknown key '%s'", k.String())
		if s := suggest(name, allowed); s != "" {
			msg += fmt.Sprintf("; did you mean '%s'?", s)
		} else if len(allowed) > 0 {
			msg += fmt.Sprintf("; allowed here: %s", joinQuoted(allowed))
		}
		ds.errorf(path, line, "%s", msg)
	}
	cfg.check(&ds, idx)
	cfg.loadNoteTypes(&ds)
	return cfg, ds
}

var configKeys = map[string][]string{
	"":        {"deck", "output", "topics", "targets"},
	"deck":    {"id", "namespace", "name", "description", "cards", "lock", "notetypes"},
	"output":  {"dir", "formats"},
	"topics":  {"id", "name", "description"},
	"targets": {"name", "topics", "exclude_topics", "tags", "formats"},
}

func (c *Config) check(ds *Diagnostics, idx *tomlIndex) {
	p := c.Path
	line := func(table, key string) int { return idx.firstKeyLine(table, key) }
	if c.Deck.ID == "" {
		ds.errorf(p, line("", "deck"), "[deck] id is missing: set it to the output file stem, e.g. id = \"cv-interview\"")
	} else if !IsSlug(c.Deck.ID) {
		ds.errorf(p, line("deck", "id"), "[deck] id '%s' is not a slug: use lowercase letters, digits and '-'", c.Deck.ID)
	}
	if c.Deck.Namespace == "" {
		ds.errorf(p, line("", "deck"), "[deck] namespace is missing: set it once (e.g. namespace = \"%s\") and never change it, it seeds every card's identity", c.Deck.ID)
	}
	if c.Deck.Name == "" {
		ds.errorf(p, line("", "deck"), "[deck] name is missing: set the deck's display name")
	}
	if c.Deck.Cards == "" {
		c.Deck.Cards = "cards"
	}
	if c.Deck.Lock == "" {
		c.Deck.Lock = "cardgen.lock"
	}
	if c.Deck.NoteTypes == "" {
		c.Deck.NoteTypes = "notetypes"
	}
	if c.Output.Dir == "" {
		c.Output.Dir = "dist"
	}
	if len(c.Topics) == 0 {
		ds.errorf(p, 0, "no topics declared: add at least one [[topics]] table with id and name")
	}
	seen := map[string]bool{}
	topicHeaders := idx.headerLines("topics")
	for i, t := range c.Topics {
		l := at(topicHeaders, i)
		switch {
		case t.ID == "":
			ds.errorf(p, l, "topic #%d has no id", i+1)
		case !IsSlug(t.ID):
			ds.errorf(p, l, "topic id '%s' is not a slug: use lowercase letters, digits and '-'", t.ID)
		case seen[t.ID]:
			ds.errorf(p, l, "topic '%s' is declared twice", t.ID)
		}
		seen[t.ID] = true
		if t.Name == "" {
			ds.errorf(p, l, "topic '%s' has no name", t.ID)
		}
	}
	targetHeaders := idx.headerLines("targets")
	seenTarget := map[string]bool{}
	for i, t := range c.Targets {
		l := at(targetHeaders, i)
		switch {
		case t.Name == "":
			ds.errorf(p, l, "target #%d has no name", i+1)
		case !IsSlug(t.Name):
			ds.errorf(p, l, "target name '%s' is not a slug: use lowercase letters, digits and '-'", t.Name)
		case seenTarget[t.Name]:
			ds.errorf(p, l, "target '%s' is declared twice", t.Name)
		}
		seenTarget[t.Name] = true
		for _, id := range append(append([]string{}, t.Topics...), t.ExcludeTopics...) {
			if !seen[id] {
				ds.errorf(p, l, "target '%s' names unknown topic '%s'%s", t.Name, id, didYouMean(id, c.TopicIDs()))
			}
		}
	}
}

func at(lines []int, i int) int {
	if i < len(lines) {
		return lines[i]
	}
	return 0
}
