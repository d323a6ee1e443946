// Package render turns card Markdown into HTML fragments. It is the one place
// where Markdown becomes HTML; every HTML-bearing output uses it.
//
// The HTML it writes carries math as \(…\) and \[…\] inside
// <span class="math …"> or <div class="math display">, so Anki's MathJax
// renders it as is and other outputs can find and convert it. Fenced code is
// highlighted with CSS classes (see CSS) so it reads well in light and night mode.
package render

import (
	"bytes"
	"regexp"
	"strings"
	"sync"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/extension"
	goldhtml "github.com/yuin/goldmark/renderer/html"
)

// Renderer converts Markdown to sanitized HTML. It is safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// New returns a Renderer.
func New() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			mathExtension{},
			highlighting.NewHighlighting(
				highlighting.WithFormatOptions(chromahtml.WithClasses(true), chromahtml.ClassPrefix(classPrefix)),
				highlighting.WithGuessLanguage(false),
			),
		),
		// Raw HTML is let through the parser and then cleaned by the policy,
		// so <sub>, <br> or <details> work and <script> never survives.
		goldmark.WithRendererOptions(goldhtml.WithUnsafe()),
	)
	return &Renderer{md: md, policy: policy()}
}

var (
	defaultOnce sync.Once
	defaultR    *Renderer
)

// Default returns a shared Renderer.
func Default() *Renderer {
	defaultOnce.Do(func() { defaultR = New() })
	return defaultR
}

// HTML renders Markdown src as an HTML fragment.
func (r *Renderer) HTML(src string) (string, error) {
	if strings.TrimSpace(src) == "" {
		return "", nil
	}
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(src), &buf); err != nil {
		return "", err
	}
	return strings.TrimSpace(r.policy.Sanitize(buf.String())), nil
}

// Inline renders a one-paragraph Markdown text (a question, say) without the wrapping <p>.
func (r *Renderer) Inline(src string) (string, error) {
	h, err := r.HTML(src)
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(h, "<p>") && strings.HasSuffix(h, "</p>") && strings.Count(h, "<p>") == 1 {
		h = strings.TrimSuffix(strings.TrimPrefix(h, "<p>"), "</p>")
	}
	return h, nil
}

var classRE = regexp.MustCompile(`^[a-zA-Z0-9_ -]+$`)

func policy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("class").Matching(classRE).OnElements("span", "div", "pre", "code")
	p.AllowElements("details", "summary", "kbd", "mark")
	p.AllowAttrs("open").OnElements("details")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("td", "th")
	return p
}

var imgSrcRE = regexp.MustCompile(`(<img\b[^>]*?\bsrc=")([^"]*)(")`)

// RewriteImages replaces the src of every <img> in rendered HTML with fn(src).
// Exporters use it to point images at packaged or inlined media.
func RewriteImages(h string, fn func(src string) string) string {
	return imgSrcRE.ReplaceAllStringFunc(h, func(m string) string {
		sub := imgSrcRE.FindStringSubmatch(m)
		return sub[1] + fn(unescapeAttr(sub[2])) + sub[3]
	})
}

func unescapeAttr(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

const classPrefix = "hl-"

var (
	cssOnce sync.Once
	css     string
)

// CSS returns the stylesheet for highlighted code: a light style, and a dark
// one under .nightMode/.night_mode, the classes Anki puts on night-mode cards.
func CSS() string {
	cssOnce.Do(func() {
		var b strings.Builder
		f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.ClassPrefix(classPrefix))
		var light, dark bytes.Buffer
		_ = f.WriteCSS(&light, styles.Get("github"))
		_ = f.WriteCSS(&dark, styles.Get("github-dark"))
		b.WriteString(light.String())
		for _, line := range strings.Split(dark.String(), "\n") {
			if i := strings.Index(line, "."+classPrefix); i >= 0 && strings.Contains(line, "{") {
				sel := strings.TrimSpace(line[i:strings.Index(line, "{")])
				rule := line[strings.Index(line, "{"):]
				b.WriteString(".nightMode " + sel + ", .night_mode " + sel + " " + rule + "\n")
			}
		}
		css = b.String()
	})
	return css
}
