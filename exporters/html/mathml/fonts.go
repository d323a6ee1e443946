package mathml

// font is a math alphabet selected by \mathbf, \mathbb and the like.
type font int

const (
	fontDefault font = iota // letters italic, digits upright
	fontRoman               // \mathrm, \operatorname: upright, letters joined into one name
	fontItalic
	fontBold
	fontBoldItalic
	fontDoubleStruck
	fontScript
	fontFraktur
	fontSansSerif
	fontMonospace
)

var fontCommands = map[string]font{
	"mathrm": fontRoman, "rm": fontRoman, "mathup": fontRoman, "mathit": fontItalic,
	"mathbf": fontBold, "bf": fontBold, "boldsymbol": fontBoldItalic, "bm": fontBoldItalic,
	"mathbb": fontDoubleStruck, "mathcal": fontScript, "mathscr": fontScript,
	"mathfrak": fontFraktur, "mathsf": fontSansSerif, "mathtt": fontMonospace,
}

// alphabet locates a font's letters in Unicode's Mathematical Alphanumeric
// Symbols block; MathML Core renders only mathvariant="normal", so other
// alphabets must be spelled as code points.
type alphabet struct {
	upper, lower, digits rune // first code point, or 0 when the font has none
	holes                map[rune]rune
}

var alphabets = map[font]alphabet{
	fontBold:       {upper: 0x1D400, lower: 0x1D41A, digits: 0x1D7CE},
	fontItalic:     {upper: 0x1D434, lower: 0x1D44E, holes: map[rune]rune{'h': 'ℎ'}},
	fontBoldItalic: {upper: 0x1D468, lower: 0x1D482, digits: 0x1D7CE},
	fontDoubleStruck: {upper: 0x1D538, lower: 0x1D552, digits: 0x1D7D8, holes: map[rune]rune{
		'C': 'ℂ', 'H': 'ℍ', 'N': 'ℕ', 'P': 'ℙ', 'Q': 'ℚ', 'R': 'ℝ', 'Z': 'ℤ'}},
	fontScript: {upper: 0x1D49C, lower: 0x1D4B6, holes: map[rune]rune{
		'B': 'ℬ', 'E': 'ℰ', 'F': 'ℱ', 'H': 'ℋ', 'I': 'ℐ', 'L': 'ℒ', 'M': 'ℳ', 'R': 'ℛ',
		'e': 'ℯ', 'g': 'ℊ', 'o': 'ℴ'}},
	fontFraktur: {upper: 0x1D504, lower: 0x1D51E, holes: map[rune]rune{
		'C': 'ℭ', 'H': 'ℌ', 'I': 'ℑ', 'R': 'ℜ', 'Z': 'ℨ'}},
	fontSansSerif: {upper: 0x1D5A0, lower: 0x1D5BA, digits: 0x1D7E2},
	fontMonospace: {upper: 0x1D670, lower: 0x1D68A, digits: 0x1D7F6},
}

// styled returns r in font f, and whether f has a letter or digit for it.
func styled(f font, r rune) (rune, bool) {
	a, ok := alphabets[f]
	if !ok {
		return r, false
	}
	if h, ok := a.holes[r]; ok {
		return h, true
	}
	switch {
	case r >= 'A' && r <= 'Z' && a.upper != 0:
		return a.upper + r - 'A', true
	case r >= 'a' && r <= 'z' && a.lower != 0:
		return a.lower + r - 'a', true
	case r >= '0' && r <= '9' && a.digits != 0:
		return a.digits + r - '0', true
	}
	return r, false
}
