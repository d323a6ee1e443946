// Package render turns card Markdown into HTML fragments. It is the one place
// where Markdown becomes HTML; every HTML-bearing output uses it.
//
// The HTML it writes carries math as \(…\) and \[…\] inside
// <span class="math …"> or <div class="math display">, so Anki's MathJax
// renders it as is and other outputs can find and convert it. Fenced code is
// highlighted with CSS classes (see CSS) so it reads well in light and night mode.
package render

import (
	"bufio"
	"bytes"
	"regexp"
	"slices"
	"strings"
	"sync"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	goldhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
	xhtml "golang.org/x/net/html"
)

// Renderer converts Markdown to sanitized HTML. It is safe for concurrent use.
type Renderer struct {
	md goldmark.Markdown
	// plain is md without GFM's autolinks, for Markdown that cannot hold one
	// (see mayStrip): the autolink parser runs at every space, and costs
	// about a tenth of goldmark's time on text that has none.
	plain  goldmark.Markdown
	policy *bluemonday.Policy
	// code highlights fenced code for both, with one memo of highlighted blocks.
	code *codeRenderer
}

// New returns a Renderer.
func New() *Renderer {
	code := newCodeRenderer(chromahtml.WithClasses(true), chromahtml.ClassPrefix(classPrefix))
	return &Renderer{md: newMarkdown(code, extension.GFM), plain: newMarkdown(code, extension.Table, extension.Strikethrough, extension.TaskList),
		policy: policy(), code: code}
}

func newMarkdown(code *codeRenderer, exts ...goldmark.Extender) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(append(exts, mathExtension{})...),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(util.Prioritized(code, 200)),
			// Raw HTML is let through the parser and then cleaned by the policy,
			// so <sub>, <br> or <details> work and <script> never survives.
			goldhtml.WithUnsafe(),
		),
	)
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
	h, _, err := r.Render(src)
	return h, err
}

// Render renders Markdown src as an HTML fragment and also reports what the
// sanitizer removed (e.g. "<script>", "onclick on <b>"), so validation can warn.
func (r *Renderer) Render(src string) (h string, stripped []string, err error) {
	if strings.TrimSpace(src) == "" {
		return "", nil, nil
	}
	b := scratchPool.Get().(*scratch)
	defer scratchPool.Put(b)
	b.raw.Reset()
	b.clean.Reset()
	b.w.Reset(&b.raw)
	b.src = append(b.src[:0], src...)
	strip := mayStrip(src)
	md := r.md
	if !strip {
		md = r.plain
	}
	if err := md.Convert(b.src, b.w); err != nil {
		return "", nil, err
	}
	if err := b.w.Flush(); err != nil {
		return "", nil, err
	}
	raw, clean := b.raw.Bytes(), b.clean.Bytes()
	if !strip {
		// This Markdown can only render to markup the policy keeps as it is
		// (FuzzStripped checks that sanitizing it changes nothing but how
		// entities are spelled), so the sanitizer is skipped: it cost about
		// as much as goldmark itself.
		return string(bytes.TrimSpace(raw)), nil, nil
	}
	// As Policy.Sanitize: blank input is returned as is, and a failure gives nothing.
	if len(bytes.TrimSpace(raw)) == 0 {
		clean = raw
	} else if err := r.policy.SanitizeReaderToWriter(bytes.NewReader(raw), &b.clean); err != nil {
		clean = nil
	} else {
		clean = b.clean.Bytes()
	}
	if !bytes.Equal(clean, raw) {
		stripped = removed(string(raw), string(clean))
	}
	out := string(bytes.TrimSpace(clean))
	// Card HTML must never load from the network (docs/security.md).
	stripped = append(stripped, remoteSources(out)...)
	return out, stripped, nil
}

// scratch is the scratch space of one Render call, reused across calls:
// fresh buffers per field were a large share of all allocation.
type scratch struct {
	src        []byte
	raw, clean bytes.Buffer
	w          *bufio.Writer // goldmark wraps any other writer in a new one
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{w: bufio.NewWriterSize(nil, 4096)}
}}

// removed lists the elements and attributes present in raw but not in clean.
func removed(raw, clean string) []string {
	have := map[string]int{}
	for _, k := range markup(clean) {
		have[k]++
	}
	var out []string
	for _, k := range markup(raw) {
		if have[k] > 0 {
			have[k]--
			continue
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// markup lists every start tag as "<tag>" and every attribute as "attr on <tag>";
// attribute values are left out because the sanitizer may rewrite them harmlessly.
func markup(s string) []string {
	var out []string
	z := xhtml.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return out
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, more := z.TagName()
			tag := "<" + string(name) + ">"
			out = append(out, tag)
			for more {
				var key, val []byte
				key, val, more = z.TagAttr()
				if string(key) == "href" || string(key) == "src" {
					// A URL the policy rejects drops the attribute; record its scheme so the warning says why.
					if i := bytes.IndexByte(val, ':'); i > 0 && !bytes.ContainsAny(val[:i], "/?#") {
						key = append(append(key, '='), bytes.ToLower(val[:i+1])...)
					}
				}
				out = append(out, string(key)+" on "+tag)
			}
		}
	}
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
	// Chroma marks code blocks focusable; GFM task lists are disabled checkboxes.
	p.AllowAttrs("tabindex").Matching(regexp.MustCompile(`^0$`)).OnElements("pre")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").OnElements("input")
	p.AllowAttrs("open").OnElements("details")
	p.AllowStyles("text-align").MatchingEnum("left", "right", "center").OnElements("td", "th")
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
// Every token class gets a colour in both modes that reads at WCAG AA
// contrast (4.5:1) on its background (see theme.go).
func CSS() string {
	cssOnce.Do(func() {
		var b strings.Builder
		f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.ClassPrefix(classPrefix))
		var light, dark bytes.Buffer
		_ = f.WriteCSS(&light, styles.Get(lightStyle))
		_ = f.WriteCSS(&dark, styles.Get(darkStyle))
		b.WriteString(light.String())
		writeLegible(&b, "", styles.Get(lightStyle))
		for _, line := range strings.Split(dark.String(), "\n") {
			if i := strings.Index(line, "."+classPrefix); i >= 0 && strings.Contains(line, "{") {
				sel := strings.TrimSpace(line[i:strings.Index(line, "{")])
				rule := line[strings.Index(line, "{"):]
				b.WriteString(".nightMode " + sel + ", .night_mode " + sel + " " + rule + "\n")
			}
		}
		writeLegible(&b, nightScopes, styles.Get(darkStyle))
		css = b.String()
	})
	return css
}
