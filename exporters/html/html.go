// Package html writes the deck as one self-contained, printable HTML page per
// target: styles inline, images as data: URIs, math as MathML, no script and
// nothing fetched when it opens. The pdf exporter prints this page.
// docs/html.md describes the layouts and paper sizes.
package html

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"unicode"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
)

// Layout arranges the cards on paper.
type Layout int

const (
	// Study puts each answer right under its question.
	Study Layout = iota
	// Quiz lists every question first and every answer at the end.
	Quiz
	// Cards prints a grid of fronts, then the same grid of backs mirrored for
	// duplex printing, to cut into cards.
	Cards
)

// Layouts lists the layouts in a stable order.
var Layouts = []Layout{Study, Quiz, Cards}

// Name is the layout's name, as in the format names html-quiz and pdf-cards.
func (l Layout) Name() string { return [...]string{"study", "quiz", "cards"}[l] }

// Suffix is what the layout adds to a format name ("", "-quiz", "-cards").
func (l Layout) Suffix() string {
	if l == Study {
		return ""
	}
	return "-" + l.Name()
}

// Exporter writes the HTML page in one layout; each layout is its own format.
type Exporter struct{ Layout Layout }

// Format implements exporters.Exporter: "html", "html-quiz" or "html-cards".
func (e Exporter) Format() string { return "html" + e.Layout.Suffix() }

// Extension implements exporters.Exporter: ".html", ".quiz.html" or ".cards.html".
func (e Exporter) Extension() string { return Extension(e.Layout, ".html") }

// Extension is the file extension of a layout in a format with extension ext.
func Extension(l Layout, ext string) string {
	if l == Study {
		return ext
	}
	return "." + l.Name() + ext
}

// Export implements exporters.Exporter.
func (e Exporter) Export(w io.Writer, in *exporters.Input) error {
	doc, err := Document(in, e.Layout)
	if err != nil {
		return err
	}
	_, err = w.Write(doc)
	return err
}

// Papers are the paper sizes a page can be laid out for.
var Papers = []string{"a4", "letter"}

// DefaultPaper is the paper size when the build names none.
const DefaultPaper = "a4"

// Document returns the complete HTML page of in's cards in layout l.
func Document(in *exporters.Input, l Layout) ([]byte, error) {
	paper, ok := papers[in.Paper]
	if in.Paper == "" {
		paper, ok = papers[DefaultPaper], true
	}
	if !ok {
		return nil, fmt.Errorf("unknown paper size '%s'; use %s", in.Paper, strings.Join(Papers, " or "))
	}
	cfg := in.Deck.Config
	lang := language(in.Deck)
	p := &page{
		Lang:        lang.tag,
		Words:       lang.words,
		Title:       cfg.Deck.Name,
		Description: cfg.Deck.Description,
		Layout:      l.Name(),
		Count:       len(in.Deck.Cards),
		CSS:         template.CSS(stylesheet(paper, l)),
	}
	if in.Target != "" && in.Target != cards.FullTarget {
		p.Selection = in.Target
	}
	if !in.Epoch.IsZero() {
		p.Date = in.Epoch.UTC().Format("2006-01-02")
	}
	var m media
	n := 0
	for _, tc := range in.Deck.ByTopic() {
		t := topicView{ID: tc.Topic.ID, Name: tc.Topic.Name, First: n + 1}
		for _, c := range tc.Cards {
			n++
			cv, err := card(c, n, in, &m)
			if err != nil {
				return nil, err
			}
			t.Cards = append(t.Cards, cv)
		}
		t.Last = n
		p.Topics = append(p.Topics, t)
	}
	if l == Cards {
		p.Sheets = sheets(p.Topics)
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// page is what the template shows.
type page struct {
	Lang, Title, Description string
	Words                    words
	Layout                   string
	Selection                string // target name, when not the full deck
	Date                     string
	Count                    int
	Topics                   []topicView
	Sheets                   []sheet
	CSS                      template.CSS
}

type topicView struct {
	ID, Name    string
	First, Last int // card numbers
	Cards       []*cardView
}

type cardView struct {
	N      int
	ID     string
	Source string
	Tags   []string
	Cloze  bool
	// Density is "", "dense" or "denser": the smaller type a long answer
	// needs to fit on the back of a card.
	Density string
	// Front is the question as asked (deletions hidden); Question shows it
	// answered (deletions revealed), the same as Front for other types.
	Front, Question, Answer, Extra template.HTML
}

// card prepares one card's fields: deletions, math, images.
func card(c *cards.Card, n int, in *exporters.Input, m *media) (*cardView, error) {
	f := exporters.Shown(c, in.HTML.Get(c.ID))
	cv := &cardView{N: n, ID: c.ID, Source: c.Source, Tags: c.Tags, Cloze: c.IsCloze()}
	prepare := func(h string) (template.HTML, error) {
		h = convertMath(h, c, in)
		h, err := m.inline(h, c, in)
		// The fields come from the sanitizing renderer and the MathML writer.
		return template.HTML(h), err
	}
	front, question := f.Question, f.Question
	if cv.Cloze {
		front, question = hideCloze(f.Question), showCloze(f.Question)
	}
	back := f.Answer + f.Extra
	if cv.Cloze {
		back += question
	}
	switch n := textLength(back); {
	case n > denserAbove:
		cv.Density = "denser"
	case n > denseAbove:
		cv.Density = "dense"
	}
	var err error
	for _, x := range []struct {
		src string
		dst *template.HTML
	}{{front, &cv.Front}, {question, &cv.Question}, {f.Answer, &cv.Answer}, {f.Extra, &cv.Extra}} {
		if x.dst == &cv.Question && !cv.Cloze {
			cv.Question = cv.Front // converted once, so its warnings come once
			continue
		}
		if *x.dst, err = prepare(x.src); err != nil {
			return nil, err
		}
	}
	return cv, nil
}

// Text longer than these (in characters) gets smaller type on a card's back.
// An A6 cell holds about 750, 1000 and 1350 CJK characters of running text at
// 8.5, 7.5 and 6.5 pt; paragraphs, lists and code take room too.
const (
	denseAbove  = 500
	denserAbove = 800
)

// textLength counts the characters of h outside tags, as a cheap measure of
// how much room it needs.
func textLength(h string) int {
	n, inTag := 0, false
	for _, r := range h {
		switch {
		case r == '<':
			inTag = true
		case r == '>':
			inTag = false
		case !inTag && !unicode.IsSpace(r):
			n++
		}
	}
	return n
}

// sheet is one sheet of the cards layout: fronts on one side, the backs on
// the other in mirrored columns, so each back lands behind its front when
// printed on both sides (flip on the long edge).
type sheet struct {
	Fronts []*cardView // nil is an empty cell
	Backs  []*cardView
}

func sheets(topics []topicView) []sheet {
	var all []*cardView
	for _, t := range topics {
		all = append(all, t.Cards...)
	}
	per := cardColumns * cardRows
	var out []sheet
	for i := 0; i < len(all); i += per {
		s := sheet{Fronts: make([]*cardView, per), Backs: make([]*cardView, per)}
		copy(s.Fronts, all[i:min(i+per, len(all))])
		for j, c := range s.Fronts {
			row, col := j/cardColumns, j%cardColumns
			s.Backs[row*cardColumns+cardColumns-1-col] = c
		}
		out = append(out, s)
	}
	return out
}

// words are the page's own labels, in the deck's language.
type words struct {
	Contents, Answers, Cards, Topics, Tags, Source, NoAnswer, Selection, Built string
}

var (
	chinese = words{Contents: "目录", Answers: "答案", Cards: "张卡片", Topics: "个主题", Tags: "标签",
		Source: "来源", NoAnswer: "（暂无答案）", Selection: "选集", Built: "生成于"}
	english = words{Contents: "Contents", Answers: "Answers", Cards: "cards", Topics: "topics", Tags: "Tags",
		Source: "Source", NoAnswer: "(no answer yet)", Selection: "Selection", Built: "Built"}
)

type lang struct {
	tag   string
	words words
}

// language guesses the deck's language from its text: the lang attribute
// picks the right CJK glyph forms and hyphenation when printing.
func language(d *cards.Deck) lang {
	var han, kana, hangul bool
	scan := func(s string) {
		for _, r := range s {
			switch {
			case unicode.In(r, unicode.Hiragana, unicode.Katakana):
				kana = true
			case unicode.Is(unicode.Hangul, r):
				hangul = true
			case unicode.Is(unicode.Han, r):
				han = true
			}
		}
	}
	scan(d.Config.Deck.Name)
	scan(d.Config.Deck.Description)
	for _, c := range d.Cards {
		q, _, _ := c.Shown()
		scan(q)
	}
	switch {
	case kana:
		return lang{"ja", english}
	case hangul:
		return lang{"ko", english}
	case han:
		return lang{"zh-CN", chinese}
	}
	return lang{"en", english}
}

//go:embed page.gohtml
var pageHTML string

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"topicAnchor":  func(id string) string { return "topic-" + id },
	"cardAnchor":   func(id string) string { return "card-" + id },
	"answerAnchor": func(id string) string { return "answer-" + id },
}).Parse(pageHTML))
