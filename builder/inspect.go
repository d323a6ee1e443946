package builder

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/ankinote"
	"github.com/cardgen/cardgen/exporters/render"
)

// LoadDeck loads and validates the deck, printing every error to stderr, and
// every warning when verbose (otherwise only their count).
// It fails on any error, and on any warning when strict.
func LoadDeck(configPath string, strict, verbose bool, stderr io.Writer) (*cards.Deck, error) {
	deck, _, err := load(configPath, false, strict, verbose, stderr)
	return deck, err
}

// Prepare loads, validates and renders the deck: rendering is part of
// validation, since it reports the HTML the sanitizer had to remove.
func Prepare(configPath string, strict, verbose bool, stderr io.Writer) (*cards.Deck, *exporters.Rendered, error) {
	return load(configPath, true, strict, verbose, stderr)
}

func load(configPath string, doRender, strict, verbose bool, stderr io.Writer) (*cards.Deck, *exporters.Rendered, error) {
	return prepare(configPath, prepareOptions{render: doRender, strict: strict, verbose: verbose}, stderr)
}

// prepareOptions say how far to prepare the deck and how to report on it.
type prepareOptions struct {
	render          bool // render every card's HTML, for a build
	check           bool // only find what the sanitizer removes, for validate
	strict, verbose bool
	quiet           bool        // print errors only
	cache           *Cache      // nil: decode and render everything
	times           *stageTimes // nil: not timed
	prog            *progress   // nil: no progress bar
	// limitMemory sets the soft memory limit once the cards are loaded (see limitMemory).
	limitMemory bool
}

func prepare(configPath string, po prepareOptions, stderr io.Writer) (*cards.Deck, *exporters.Rendered, error) {
	start := time.Now()
	po.prog.begin("loading", -1)
	var cache cards.Cache
	if po.cache != nil {
		cache = po.cache
	}
	deck, ds := cards.LoadWithHistory(configPath, cache, historyOf)
	po.times.since("load", start)
	if po.limitMemory && deck != nil {
		// Rendering adds the HTML and the lock adds both locks, together about
		// as much again as the cards, and rendering makes much garbage: at
		// 2.25 times the cards the collector ran back to back by the end of
		// the lock stage; three times leaves it room (see limitMemory).
		limitMemoryTo(3, 1)
	}
	if deck != nil {
		ds = append(ds, deck.Config.CheckFormats(append(Formats(), planned...))...)
		ds = append(ds, ankinote.CheckIDs(deck.Config)...)
		ds = append(ds, checkText(deck)...)
	}
	var html *exporters.Rendered
	if deck != nil && (po.render || po.check) {
		start = time.Now()
		var err error
		if po.render {
			po.prog.begin("rendering", len(deck.Cards))
			if html, err = renderDeck(deck, render.Default(), po.cache, po.prog.add); err != nil {
				return nil, nil, err
			}
			ds = append(ds, html.Warnings...)
		} else {
			po.prog.begin("checking", len(deck.Cards))
			warns, err := checkDeck(deck, render.Default(), po.cache, po.prog.add)
			if err != nil {
				return nil, nil, err
			}
			ds = append(ds, warns...)
		}
		ds.Sort()
		po.times.since("render", start)
	}
	po.prog.pause()
	strict, verbose := po.strict, po.verbose
	warned := 0
	for _, d := range ds {
		if d.Severity == cards.Error || verbose || strict {
			fmt.Fprintln(stderr, d.String())
		} else {
			warned++
		}
	}
	if warned > 0 && !po.quiet {
		fmt.Fprintf(stderr, "cardgen: %d warning(s); run 'cardgen validate' to see them\n", warned)
	}
	if err := ds.Err(strict); err != nil {
		errs, warns := ds.Count()
		msg := fmt.Sprintf("%d error(s)", errs)
		if strict && warns > 0 {
			msg += fmt.Sprintf(" and %d warning(s) (--strict)", warns)
		}
		return nil, nil, &cards.ValidationError{Lines: []string{"validation failed: " + msg}}
	}
	return deck, html, nil
}

// Validate checks the question set and reports a one-line summary.
func Validate(configPath string, strict bool, stderr io.Writer) error {
	return ValidateWith(ValidateOptions{ConfigPath: configPath, Strict: strict, Stderr: stderr})
}

// ValidateOptions are the inputs of `cardgen validate`.
type ValidateOptions struct {
	ConfigPath string
	// Strict fails on warnings too.
	Strict bool
	// Cache, when set, keeps decoded and checked topic files between runs.
	Cache *Cache
	// Progress shows a progress bar on Stderr when validation takes long (a terminal).
	Progress bool
	Stderr   io.Writer
}

// ValidateWith checks the question set, reporting every problem, and a
// one-line summary. It renders only the Markdown that could lose markup
// to the sanitizer, so it reports exactly what a build would.
func ValidateWith(opts ValidateOptions) error {
	prog := newProgress(opts.Stderr, opts.Progress)
	defer opts.Cache.Flush()
	deck, _, err := prepare(opts.ConfigPath, prepareOptions{check: true, strict: opts.Strict, verbose: true, cache: opts.Cache, prog: prog}, opts.Stderr)
	prog.close()
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Stderr, "ok: %d cards in %d topics\n", len(deck.Cards), len(deck.ByTopic()))
	return nil
}

// ListOptions selects and formats `cardgen list`.
type ListOptions struct {
	ConfigPath string
	Filter     cards.Filter
	JSON       bool
	Stdout     io.Writer
	Stderr     io.Writer
}

// ListItem is one card as `cardgen list --json` prints it.
type ListItem struct {
	ID       string   `json:"id"`
	GUID     string   `json:"guid"`
	Type     string   `json:"type"`
	Topic    string   `json:"topic"`
	Topics   []string `json:"topics"`
	Tags     []string `json:"tags"`
	Source   string   `json:"source,omitempty"`
	Question string   `json:"question"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
}

// List prints the selected cards: a table for people, or JSON for tools.
func List(opts ListOptions) error {
	deck, err := LoadDeck(opts.ConfigPath, false, false, opts.Stderr)
	if err != nil {
		return err
	}
	if err := opts.Filter.Check(deck.Config); err != nil {
		return err
	}
	sel := deck.Filter(opts.Filter)
	if opts.JSON {
		items := make([]ListItem, 0, len(sel.Cards))
		for _, c := range sel.Cards {
			q, _, _ := c.Shown()
			items = append(items, ListItem{ID: c.ID, GUID: ankinote.GUID(deck.Config.Deck.Namespace, c), Type: string(c.Type), Topic: c.Topic,
				Topics: c.Topics, Tags: nonNil(c.Tags), Source: c.Source, Question: q, File: c.File, Line: c.Line})
		}
		enc := json.NewEncoder(opts.Stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(items)
	}
	var tw table
	tw.row("ID", "TOPICS", "QUESTION")
	for _, c := range sel.Cards {
		q, _, _ := c.Shown()
		tw.row(c.ID, strings.Join(c.Topics, ","), oneLine(q))
	}
	if err := tw.write(opts.Stdout); err != nil {
		return err
	}
	fmt.Fprintf(opts.Stderr, "%d of %d cards\n", len(sel.Cards), len(deck.Cards))
	return nil
}

// Topics prints the topic vocabulary with card counts (primary and total).
func Topics(configPath string, stdout, stderr io.Writer) error {
	deck, err := LoadDeck(configPath, false, false, stderr)
	if err != nil {
		return err
	}
	var tw table
	tw.row("ID", "NAME", "PRIMARY", "TOTAL")
	for _, t := range deck.Config.Topics {
		primary, total := 0, 0
		for _, c := range deck.Cards {
			if c.Topic == t.ID {
				primary++
			}
			if c.HasTopic(t.ID) {
				total++
			}
		}
		tw.row(t.ID, t.Name, strconv.Itoa(primary), strconv.Itoa(total))
	}
	return tw.write(stdout)
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
