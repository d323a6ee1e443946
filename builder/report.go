package builder

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters/apkg"
)

// plural is "1 card" or "3 cards".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// ankiCards counts the cards Anki makes of the deck's notes, for the formats
// Anki imports (the package and the Anki CSV); 0 for the others.
func ankiCards(format string, d *cards.Deck) int {
	if format != "apkg" && format != "csv" {
		return 0
	}
	n := 0
	for _, c := range d.Cards {
		n += apkg.CardCount(c)
	}
	return n
}

// printedLine returns the function runExports calls as each artifact is
// done: it moves the progress bar, and when there is no bar (stderr is not
// a terminal) it tells each finished PDF on a line of its own, since
// printing takes minutes and would otherwise go by in silence.
func printedLine(jobs []*exportJob, report io.Writer, bar bool, add func(int)) func(*exportJob) {
	total := 0
	for _, j := range jobs {
		if strings.HasPrefix(j.format, "pdf") {
			total++
		}
	}
	var mu sync.Mutex
	done := 0
	return func(j *exportJob) {
		add(1)
		if bar || !strings.HasPrefix(j.format, "pdf") {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		done++
		if j.err == nil {
			fmt.Fprintf(report, "printed %s (%d of %d PDFs, %.0fs)\n", filepath.Base(j.final), done, total, j.took.Seconds())
		}
	}
}

// EmptySelection explains an ad-hoc selection that matches no card: which
// of its flags select nothing, and that the flags combine with AND.
func EmptySelection(d *cards.Deck, f cards.Filter) error {
	var parts []string
	count := func(flag string, values []string, sub cards.Filter) {
		if len(values) > 0 {
			parts = append(parts, fmt.Sprintf("%s %s selects %s", flag, strings.Join(values, ","), plural(len(d.Filter(sub).Cards), "card")))
		}
	}
	count("--topic", f.Topics, cards.Filter{Topics: f.Topics})
	count("--tag", f.Tags, cards.Filter{Tags: f.Tags})
	count("--exclude-topic", f.ExcludeTopics, cards.Filter{ExcludeTopics: f.ExcludeTopics})
	return fmt.Errorf("the selection matches no card: %s; a card must match every flag given (--topic and --tag combine with AND, --exclude-topic removes)",
		strings.Join(parts, ", "))
}
