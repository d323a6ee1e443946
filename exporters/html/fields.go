package html

import (
	"encoding/base64"
	"fmt"
	stdhtml "html"
	"net/http"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/html/mathml"
	"github.com/cardgen/cardgen/exporters/render"
	"github.com/cardgen/cardgen/internal/safefile"
)

// mathRE finds the math the renderer wrote: \(…\) in an inline span, \[…\]
// in a display span or div. The TeX is HTML-escaped, so it holds no '<' and
// the first closing tag ends it.
var mathRE = regexp.MustCompile(`<(span|div) class="math (inline|display)">\\[(\[]([^<]*?)\\[)\]]</(?:span|div)>`)

// convertMath replaces every formula of h with MathML. A formula the
// converter does not support stays as TeX source, with a warning naming the card.
func convertMath(h string, c *cards.Card, in *exporters.Input) string {
	return mathRE.ReplaceAllStringFunc(h, func(m string) string {
		sub := mathRE.FindStringSubmatch(m)
		tag, display, escaped := sub[1], sub[2] == "display", sub[3]
		tex := stdhtml.UnescapeString(escaped)
		out, err := mathml.Convert(tex, display)
		if err != nil {
			in.Warnf("%s:%d: card '%s': math not converted (%v); its TeX is printed instead: %s", c.File, c.Line, c.ID, err, shorten(tex, 60))
			if display {
				return `<` + tag + ` class="math display tex-source"><code>` + escaped + `</code></` + tag + `>`
			}
			return `<code class="math inline tex-source">` + escaped + `</code>`
		}
		class := "math inline"
		if display {
			class = "math display"
		}
		return `<` + tag + ` class="` + class + `">` + out + `</` + tag + `>`
	})
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// clozeRE is Anki's deletion syntax {{c1::text}} or {{c1::text::hint}}; like
// Anki it ends at the first "}}".
var clozeRE = regexp.MustCompile(`(?s)\{\{c[1-9][0-9]*::(.*?)(?:::(.*?))?\}\}`)

// hideCloze shows each deletion as a blank, or as its hint.
func hideCloze(h string) string {
	return clozeRE.ReplaceAllStringFunc(h, func(m string) string {
		sub := clozeRE.FindStringSubmatch(m)
		if sub[2] != "" {
			return `<span class="cloze">[` + sub[2] + `]</span>`
		}
		return `<span class="cloze">[…]</span>`
	})
}

// showCloze marks each deletion's text.
func showCloze(h string) string {
	return clozeRE.ReplaceAllString(h, `<span class="cloze">$1</span>`)
}

// media inlines a card's images as data: URIs, so the document needs no
// other file and no network.
type media struct {
	uris map[string]string // path -> data URI
}

func (m *media) inline(h string, c *cards.Card, in *exporters.Input) (string, error) {
	var ferr error
	// Paper cannot play a sound: name it instead of showing a broken image.
	h = render.RewriteAudio(h, func(src, alt string) string {
		label := path.Base(src)
		if alt != "" {
			label = alt + " (" + label + ")"
		}
		return `<span class="audio">🔊 ` + stdhtml.EscapeString(label) + `</span>`
	})
	out := render.RewriteImages(h, func(src string) string {
		for _, md := range c.Media {
			if md.Ref != src && md.Ref != render.DecodedSource(src) {
				continue
			}
			uri, err := m.dataURI(md.Path)
			if err != nil && ferr == nil {
				ferr = fmt.Errorf("card '%s': image %s: %w", c.ID, src, err)
			}
			return uri
		}
		// Anything else would be fetched when the page opens.
		in.Warnf("%s:%d: card '%s': image %s is not a file of the deck; left out", c.File, c.Line, c.ID, shorten(src, 80))
		return ""
	})
	return out, ferr
}

func (m *media) dataURI(path string) (string, error) {
	if uri, ok := m.uris[path]; ok {
		return uri, nil
	}
	data, err := safefile.ReadFile(path, cards.MaxMediaBytes)
	if err != nil {
		return "", err
	}
	mime, ok := imageTypes[strings.ToLower(filepath.Ext(path))]
	if !ok {
		mime = http.DetectContentType(data)
	}
	uri := "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data)
	if m.uris == nil {
		m.uris = map[string]string{}
	}
	m.uris[path] = uri
	return uri, nil
}

// imageTypes is fixed here rather than read from the system's MIME table, so
// the output does not depend on the machine.
var imageTypes = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".svg": "image/svg+xml", ".webp": "image/webp",
}
