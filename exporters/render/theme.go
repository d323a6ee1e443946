package render

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/alecthomas/chroma/v2"
)

// The code themes of light and night mode.
const (
	lightStyle = "github"
	darkStyle  = "github-dark"
)

// nightScopes are the classes Anki puts on a night-mode card: .nightMode
// (2.1.50+) and .night_mode (older clients).
const nightScopes = ".nightMode,.night_mode"

// MinContrast is the WCAG AA contrast ratio for normal text.
const MinContrast = 4.5

// writeLegible writes one rule per token class the highlighter can emit,
// under each scope of scopes ("" for none), giving the token the style's
// colour moved just far enough from its background to read at MinContrast,
// and its own background or none. A style that leaves a token out (github
// has no punctuation colour for night mode) or picks a faint colour can
// then never hide code text.
func writeLegible(b *strings.Builder, scopes string, style *chroma.Style) {
	pre := style.Get(chroma.Background)
	for _, t := range TokenTypes() {
		e := style.Get(t)
		bg, bgCSS := pre.Background, "transparent"
		if e.Background.IsSet() && e.Background != pre.Background {
			bg, bgCSS = e.Background, e.Background.String()
		}
		sel := ".hl-chroma ." + classPrefix + chroma.StandardTypes[t]
		var sels []string
		for _, s := range strings.Split(scopes, ",") {
			sels = append(sels, strings.TrimSpace(s+" "+sel))
		}
		fg := "inherit" // the style sets no colour at all: the page's text colour
		if e.Colour.IsSet() {
			fg = Legible(e.Colour, bg).String()
		}
		fmt.Fprintf(b, "%s { color: %s; background-color: %s }\n", strings.Join(sels, ", "), fg, bgCSS)
	}
}

// TokenTypes returns every token type the highlighter writes a class for:
// the real tokens and Error, in a stable order.
func TokenTypes() []chroma.TokenType {
	var out []chroma.TokenType
	for t, cls := range chroma.StandardTypes {
		if cls != "" && (t > 0 || t == chroma.Error) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// Legible returns fg, darkened on a light background or lightened on a dark
// one in small steps, until its contrast with bg reaches MinContrast.
func Legible(fg, bg chroma.Colour) chroma.Colour {
	step := -0.04
	if luminance(bg) < 0.18 {
		step = 0.04
	}
	for i := 0; i < 100 && Contrast(fg, bg) < MinContrast+0.05; i++ {
		fg = fg.Brighten(step)
	}
	return fg
}

// Contrast is the WCAG 2 contrast ratio of two colours, 1 to 21.
func Contrast(a, b chroma.Colour) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the WCAG 2 relative luminance of an sRGB colour.
func luminance(c chroma.Colour) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.Red()) + 0.7152*lin(c.Green()) + 0.0722*lin(c.Blue())
}
