package markdown

import (
	"fmt"
	"io"
	"strings"

	"github.com/cardgen/cardgen/cards"
)

// WriteQuestionList writes the deck's questions for a README: per topic, in
// config order, a heading of the given level and a list of the questions on
// one line each. Questions are numbered through the whole deck as in the
// Markdown document, so "question 12" means the same card in both.
func WriteQuestionList(w io.Writer, d *cards.Deck, level int) error {
	doc := document{w: w}
	for _, s := range sections(d) {
		doc.block(heading(level, fmt.Sprintf("%s (%d)", s.topic.Name, len(s.entries))))
		items := make([]string, len(s.entries))
		for i, e := range s.entries {
			items[i] = fmt.Sprintf("%d. %s", e.n, e.head)
		}
		doc.block(strings.Join(items, "\n"))
	}
	return doc.err
}
