package ankitest

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

var (
	imgSrcRE   = regexp.MustCompile(`<img[^>]*\ssrc="([^"]*)"`)
	htmlTagRE  = regexp.MustCompile(`<[^>]*>`)
	styleRE    = regexp.MustCompile(`(?s)<style>.*?</style>`)
	dollarMath = regexp.MustCompile(`\$[^$\s][^$]*\$`)
)

// RenderReport is what rendering every card of a collection showed.
type RenderReport struct {
	Cards, Cloze int      // cards rendered, of which cloze
	Problems     []string // one line per problem found
}

// CheckRendering renders every card with Anki's own template renderer and
// reports each card whose front or back has an unreplaced {{, unbalanced
// MathJax delimiters \( \) \[ \], math left in $…$ (which Anki's MathJax does
// not read), an <img src> that names no file of the media folder, a front
// with neither text nor image, or, for a cloze note type, a front without [...].
func (c *Collection) CheckRendering() (*RenderReport, error) {
	snap, err := c.Snapshot()
	if err != nil {
		return nil, err
	}
	rendered, err := c.Render()
	if err != nil {
		return nil, err
	}
	media, err := c.Media()
	if err != nil {
		return nil, err
	}
	nts, err := c.Notetypes()
	if err != nil {
		return nil, err
	}
	isCloze := map[int64]bool{}
	for _, nt := range nts {
		isCloze[nt.ID] = nt.Cloze
	}
	noteOf := map[int64]Note{}
	for _, n := range snap.Notes {
		noteOf[n.ID] = n
	}
	nidOf := map[int64]int64{}
	for _, card := range snap.Cards {
		nidOf[card.ID] = card.Nid
	}
	rep := &RenderReport{Cards: len(rendered)}
	bad := func(format string, args ...any) { rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...)) }
	for _, r := range rendered {
		n := noteOf[nidOf[r.ID]]
		for _, side := range []struct{ name, html string }{{"front", r.Question}, {"back", r.Answer}} {
			html := side.html
			if strings.Contains(html, "{{") {
				bad("card %d of %s: unreplaced {{ on the %s: %.200q", r.ID, n, side.name, html)
			}
			if strings.Count(html, `\(`) != strings.Count(html, `\)`) || strings.Count(html, `\[`) != strings.Count(html, `\]`) {
				bad("card %d of %s: unbalanced math delimiters on the %s", r.ID, n, side.name)
			}
			text := htmlTagRE.ReplaceAllString(styleRE.ReplaceAllString(html, ""), "")
			if m := dollarMath.FindString(text); m != "" {
				bad("card %d of %s: math %q on the %s is in $ delimiters, which Anki's MathJax does not read", r.ID, n, m, side.name)
			}
			for _, m := range imgSrcRE.FindAllStringSubmatch(html, -1) {
				if !slices.Contains(media, m[1]) {
					bad("card %d of %s: <img src=%q> on the %s names no media file of the collection", r.ID, n, m[1], side.name)
				}
			}
		}
		front := styleRE.ReplaceAllString(r.Question, "")
		if strings.TrimSpace(htmlTagRE.ReplaceAllString(front, "")) == "" && !imgSrcRE.MatchString(front) {
			bad("card %d of %s: empty front", r.ID, n)
		}
		if isCloze[n.Mid] {
			rep.Cloze++
			if !strings.Contains(r.Question, "[...]") {
				bad("cloze card %d of %s: front shows no [...]: %.200q", r.ID, n, r.Question)
			}
		}
	}
	if len(rendered) != len(snap.Cards) {
		bad("rendered %d cards of %d", len(rendered), len(snap.Cards))
	}
	return rep, nil
}
