// Package markdown writes the deck as one Markdown document per target, for
// reading on GitHub and for printing to PDF with pandoc. Card Markdown is
// copied as written, math as $…$/$$…$$ and code fenced with its language; only
// the headings inside answers are shifted to nest under their card.
// docs/markdown.md describes the layouts, anchors and metadata.
package markdown

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
)

// Layout arranges questions and answers in the document.
type Layout int

const (
	// Study puts each answer right under its question.
	Study Layout = iota
	// Quiz lists every question first and every answer after them, for printing.
	Quiz
	// Details is Study with each answer folded in a <details> element, so
	// GitHub shows it only when clicked.
	Details
)

// Exporter writes the Markdown document in one layout; each layout is its own format.
type Exporter struct{ Layout Layout }

// Format implements exporters.Exporter: "md", "md-quiz" or "md-details".
func (e Exporter) Format() string {
	switch e.Layout {
	case Quiz:
		return "md-quiz"
	case Details:
		return "md-details"
	}
	return "md"
}

// Extension implements exporters.Exporter: ".md", ".quiz.md" or ".details.md".
func (e Exporter) Extension() string {
	switch e.Layout {
	case Quiz:
		return ".quiz.md"
	case Details:
		return ".details.md"
	}
	return ".md"
}

// labels are the document's own words, in the language its metadata declares.
var labels = struct {
	Contents, Questions, Answers, Answer, Tags, Source, NoAnswer string
}{
	Contents:  "目录",
	Questions: "题目",
	Answers:   "答案",
	Answer:    "答案",
	Tags:      "标签",
	Source:    "来源",
	NoAnswer:  "*（暂无答案）*",
}

// Lang is the document language declared in the metadata block.
const Lang = "zh-CN"

// Anchors are the card id for a card's question, and ids containing '_',
// which no card or topic id (a slug) can contain, for everything else.
func topicAnchor(topic string) string        { return "topic_" + topic }
func topicAnswersAnchor(topic string) string { return "answers_" + topic }
func answerAnchor(card string) string        { return "answer_" + card }

const (
	contentsAnchor  = "part_contents"
	questionsAnchor = "part_questions"
	answersAnchor   = "part_answers"
)

// anchor is an empty element carrying id: GitHub keeps it (as user-content-id,
// which its links resolve) and pandoc reads it as a native span, so the id
// also becomes a link target in PDF output.
func anchor(id string) string { return `<span id="` + id + `"></span>` }

// target writes the anchor as its own paragraph just before the heading: inside
// the heading it would make pandoc repeat the heading, math included, as a
// short title, which xelatex cannot put in PDF bookmarks.
func (d *document) target(id string, level int, text string) {
	d.block(anchor(id))
	d.block(heading(level, text))
}

// entry is one card as the document shows it.
type entry struct {
	card *cards.Card
	n    int    // position in the document, from 1
	head string // the question's first paragraph, on one line
	rest string // the rest of the question
}

type section struct {
	topic   cards.Topic
	entries []entry
}

func sections(d *cards.Deck) []section {
	var out []section
	n := 0
	for _, tc := range d.ByTopic() {
		s := section{topic: tc.Topic}
		for _, c := range tc.Cards {
			n++
			q, _, _ := c.Shown()
			if c.IsCloze() {
				q = hideCloze(q)
			}
			head, rest := splitQuestion(q)
			if head == "" {
				head = c.ID
			}
			s.entries = append(s.entries, entry{card: c, n: n, head: atxSafe(head), rest: rest})
		}
		out = append(out, s)
	}
	return out
}

// Export implements exporters.Exporter.
func (e Exporter) Export(w io.Writer, in *exporters.Input) error {
	doc := &document{w: w}
	doc.frontMatter(in)
	if d := strings.TrimSpace(in.Deck.Config.Deck.Description); d != "" {
		doc.block(d)
	}
	secs := sections(in.Deck)
	switch e.Layout {
	case Quiz:
		doc.quiz(secs)
	default:
		doc.study(secs, e.Layout == Details)
	}
	return doc.err
}

// document writes Markdown blocks separated by blank lines to w as they
// come, so a large deck is never held in memory twice.
type document struct {
	w       io.Writer
	started bool
	err     error // the first write error; later writes are skipped
}

func (d *document) block(s string) {
	s = strings.Trim(s, "\n")
	if s == "" || d.err != nil {
		return
	}
	if d.started {
		d.write("\n")
	}
	d.write(s)
	d.write("\n")
	d.started = true
}

func (d *document) write(s string) {
	if d.err == nil {
		_, d.err = io.WriteString(d.w, s)
	}
}

func heading(level int, text string) string {
	return strings.Repeat("#", level) + " " + text
}

func (e entry) title() string { return fmt.Sprintf("%d. %s", e.n, e.head) }

func link(text, id string) string { return "[" + text + "](#" + id + ")" }

func (d *document) study(secs []section, folded bool) {
	var toc []string
	for _, s := range secs {
		toc = append(toc, "- "+link(s.topic.Name, topicAnchor(s.topic.ID)))
		for _, e := range s.entries {
			toc = append(toc, "  - "+link(e.title(), e.card.ID))
		}
	}
	d.target(contentsAnchor, 1, labels.Contents)
	d.block(strings.Join(toc, "\n"))
	for _, s := range secs {
		d.target(topicAnchor(s.topic.ID), 1, s.topic.Name)
		for _, e := range s.entries {
			d.target(e.card.ID, 2, e.title())
			d.block(shiftHeadings(e.rest, 3))
			if folded {
				d.block("<details>\n<summary>" + labels.Answer + "</summary>")
				d.block(answer(e.card, 3))
				d.block("</details>")
			} else {
				d.block(answer(e.card, 3))
			}
			d.block(meta(e.card))
		}
	}
}

func (d *document) quiz(secs []section) {
	toc := []string{"- " + link(labels.Questions, questionsAnchor)}
	for _, s := range secs {
		toc = append(toc, "  - "+link(s.topic.Name, topicAnchor(s.topic.ID)))
		for _, e := range s.entries {
			toc = append(toc, "    - "+link(e.title(), e.card.ID))
		}
	}
	toc = append(toc, "- "+link(labels.Answers, answersAnchor))
	for _, s := range secs {
		toc = append(toc, "  - "+link(s.topic.Name, topicAnswersAnchor(s.topic.ID)))
	}
	d.target(contentsAnchor, 1, labels.Contents)
	d.block(strings.Join(toc, "\n"))

	d.target(questionsAnchor, 1, labels.Questions)
	for _, s := range secs {
		d.target(topicAnchor(s.topic.ID), 2, s.topic.Name)
		for _, e := range s.entries {
			d.target(e.card.ID, 3, e.title())
			d.block(shiftHeadings(e.rest, 4))
			d.block(link(labels.Answer, answerAnchor(e.card.ID)))
		}
	}
	d.target(answersAnchor, 1, labels.Answers)
	for _, s := range secs {
		d.target(topicAnswersAnchor(s.topic.ID), 2, s.topic.Name)
		for _, e := range s.entries {
			d.target(answerAnchor(e.card.ID), 3, e.title())
			d.block(answer(e.card, 4))
			d.block(meta(e.card))
		}
	}
}

// answer is what reveals a card: a cloze card's full text with the
// deletions in bold, then the answer and the extra notes, their headings
// starting at level top.
func answer(c *cards.Card, top int) string {
	var parts []string
	q, a, e := c.Shown()
	if c.IsCloze() {
		parts = append(parts, revealCloze(q))
	}
	parts = append(parts, a, e)
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, shiftHeadings(p, top))
		}
	}
	if len(out) == 0 {
		return labels.NoAnswer
	}
	return strings.Join(out, "\n\n")
}

// meta is the line under an answer with the card's tags and source.
func meta(c *cards.Card) string {
	var parts []string
	if len(c.Tags) > 0 {
		tags := make([]string, len(c.Tags))
		for i, t := range c.Tags {
			tags[i] = "`" + t + "`"
		}
		parts = append(parts, "**"+labels.Tags+"**："+strings.Join(tags, " "))
	}
	if s := strings.TrimSpace(c.Source); s != "" {
		parts = append(parts, "**"+labels.Source+"**："+s)
	}
	return strings.Join(parts, " · ")
}

// Settings of the metadata block for pandoc's LaTeX template with xelatex;
// docs/markdown.md lists them and how to override them. babel-lang is what
// pandoc 3 derives from zh-CN; pandoc 2.17 (Debian 12) derives nothing and
// xelatex fails. The Latin fonts are the CJK ones too, because they also
// have the arrows and circled digits answers use.
var pdfSettings = [][2]string{
	{"babel-lang", "chinese"},
	{"documentclass", "article"},
	{"geometry", "margin=2cm"},
	{"mainfont", "Noto Serif CJK SC"},
	{"sansfont", "Noto Sans CJK SC"},
	{"monofont", "Noto Sans Mono CJK SC"},
	{"CJKmainfont", "Noto Serif CJK SC"},
	{"CJKsansfont", "Noto Sans CJK SC"},
	{"CJKmonofont", "Noto Sans Mono CJK SC"},
}

// frontMatter writes the YAML metadata block.
func (d *document) frontMatter(in *exporters.Input) {
	cfg := in.Deck.Config
	lines := []string{"---", "title: " + yamlString(cfg.Deck.Name)}
	if s := subtitle(in); s != "" {
		lines = append(lines, "subtitle: "+yamlString(s))
	}
	if t := date(in); !t.IsZero() {
		lines = append(lines, "date: "+yamlString(t.UTC().Format("2006-01-02")))
	}
	lines = append(lines, "lang: "+Lang)
	for _, kv := range pdfSettings {
		lines = append(lines, kv[0]+": "+yamlString(kv[1]))
	}
	paper := in.Paper
	if paper == "" {
		paper = "a4"
	}
	lines = append(lines, "papersize: "+yamlString(paper), "colorlinks: true", "---")
	d.block(strings.Join(lines, "\n"))
}

// date is when the selected cards last changed, from the lock, or else the
// build's fixed time; zero without either, so output never depends on the clock.
func date(in *exporters.Input) time.Time {
	var mod int64
	if in.Lock != nil {
		for _, c := range in.Deck.Cards {
			mod = max(mod, in.Lock.Cards[c.ID].Mod)
		}
	}
	if mod > 0 {
		return time.Unix(mod, 0)
	}
	return in.Epoch
}

// subtitle names a partial build: the names of its target's topics, or the target's name.
func subtitle(in *exporters.Input) string {
	if in.Target == "" || in.Target == cards.FullTarget {
		return ""
	}
	cfg := in.Deck.Config
	if t, ok := cfg.TargetByName(in.Target); ok && len(t.Topics) > 0 {
		names := make([]string, 0, len(t.Topics))
		for _, id := range t.Topics {
			if topic, ok := in.Deck.Topic(id); ok {
				names = append(names, topic.Name)
			}
		}
		return strings.Join(names, "、")
	}
	return in.Target
}

// yamlString quotes s as a YAML double-quoted scalar.
func yamlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
