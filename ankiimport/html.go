package ankiimport

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/strikethrough"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/table"
	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/cardgen/cardgen/exporters/render"
)

// inlineHTML are elements with no Markdown form that the renderer's
// sanitizer keeps: they stay as inline HTML, with a warning.
var inlineHTML = []string{"u", "sub", "sup", "ruby", "rt", "rp", "kbd", "mark", "small", "abbr", "details", "summary"}

// codeLanguages are tried, in order, to recover the language of a code
// block cardgen highlighted: the one whose highlighting gives the same HTML.
var codeLanguages = []string{"python", "cpp", "c", "bash", "shell", "go", "java", "javascript", "typescript",
	"json", "yaml", "toml", "sql", "rust", "matlab", "r", "lua", "cuda", "diff", "html", "css", "xml", "text", "plaintext"}

// fieldConverter turns Anki field HTML into cardgen Markdown.
type fieldConverter struct {
	conv *converter.Converter
	md   *render.Renderer
}

func newFieldConverter() *fieldConverter {
	conv := converter.NewConverter(converter.WithPlugins(
		base.NewBasePlugin(),
		commonmark.NewCommonmarkPlugin(),
		table.NewTablePlugin(),
		strikethrough.NewStrikethroughPlugin(),
	))
	for _, tag := range inlineHTML {
		conv.Register.RendererFor(tag, converter.TagTypeInline, base.RenderAsHTML, converter.PriorityEarly)
	}
	return &fieldConverter{conv: conv, md: render.Default()}
}

// converted is one field's Markdown and what the conversion had to say.
type converted struct {
	Markdown string
	// Media lists the media file names the field references, in order.
	Media []string
	// Kept names the HTML that stays inline; Dropped the formatting lost.
	Kept, Dropped []string
	// Inline holds images the field carried as data: URIs, by the file name they get.
	Inline map[string][]byte
	// Remote lists images on the web, which become links.
	Remote []string
}

var (
	mathInlineRE  = regexp.MustCompile(`(?s)\\\((.*?)\\\)`)
	mathDisplayRE = regexp.MustCompile(`(?s)\\\[(.*?)\\\]`)
	soundRE       = regexp.MustCompile(`\[sound:[^\]]*\]`)
	phRE          = regexp.MustCompile(`cgph([0-9]+)z`)
	// The converter puts a blank line before a nested list, which makes a
	// tight list loose (every item a <p>); the HTML had no such gap.
	nestedListGapRE = regexp.MustCompile(`(?m)^([ \t]*(?:[-*+]|[0-9]+[.)]) .*)\n[ \t]*\n([ \t]+(?:[-*+]|[0-9]+[.)]) )`)
)

// placeholders carries text past the converter, which would escape it.
type placeholders []string

func (p *placeholders) add(s string) string {
	*p = append(*p, s)
	return "cgph" + strconv.Itoa(len(*p)-1) + "z"
}

func (p placeholders) restore(s string) string {
	return phRE.ReplaceAllStringFunc(s, func(m string) string {
		i, err := strconv.Atoi(m[4 : len(m)-1])
		if err != nil || i >= len(p) {
			return m
		}
		return p[i]
	})
}

// mediaRef maps a media file name to its Markdown reference.
func mediaRef(name string) string { return "media/" + name }

// convert turns one field's HTML into Markdown. rename maps a media file
// name of the package to the name it gets in cards/media.
func (fc *fieldConverter) convert(field string, rename func(string) string) (converted, error) {
	var out converted
	var ph placeholders
	// Display math alone on its line becomes a fenced block, else stays inline.
	blocks := map[string]string{}
	// Math and sound tags first: they are text to the HTML parser.
	s := mathDisplayRE.ReplaceAllStringFunc(field, func(m string) string {
		tex := strings.TrimSpace(html.UnescapeString(stripTags(m[2 : len(m)-2])))
		tok := ph.add("$$" + tex + "$$")
		blocks[tok] = "$$\n" + tex + "\n$$"
		return tok
	})
	s = mathInlineRE.ReplaceAllStringFunc(s, func(m string) string {
		return ph.add("$" + strings.TrimSpace(html.UnescapeString(stripTags(m[2:len(m)-2]))) + "$")
	})
	s = soundRE.ReplaceAllStringFunc(s, func(m string) string {
		name := html.UnescapeString(m[7 : len(m)-1])
		out.Media = append(out.Media, name)
		return ph.add("[sound:" + rename(name) + "]")
	})
	doc, err := nethtml.Parse(strings.NewReader("<body>" + s + "</body>"))
	if err != nil {
		return out, err
	}
	fc.walk(doc, &out, &ph, rename)
	md, err := fc.conv.ConvertNode(doc)
	if err != nil {
		return out, err
	}
	lines := strings.Split(string(md), "\n")
	for i, l := range lines {
		if b, ok := blocks[strings.TrimSpace(l)]; ok {
			lines[i] = b
		}
	}
	md2 := nestedListGapRE.ReplaceAllString(strings.Join(lines, "\n"), "$1\n$2")
	out.Markdown = strings.TrimSpace(ph.restore(md2))
	return out, nil
}

func (fc *fieldConverter) walk(n *nethtml.Node, out *converted, ph *placeholders, rename func(string) string) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == nethtml.TextNode:
			// A literal '$' would open math in cardgen's Markdown.
			if strings.Contains(c.Data, "$") {
				c.Data = strings.ReplaceAll(c.Data, "$", ph.add(`\$`))
			}
		case c.Type == nethtml.ElementNode && c.DataAtom == atom.Img:
			src := strings.TrimSpace(attr(c, "src"))
			switch {
			case src == "":
			case strings.HasPrefix(strings.ToLower(src), "data:"):
				if name, data, ok := dataImage(src); ok {
					if out.Inline == nil {
						out.Inline = map[string][]byte{}
					}
					out.Inline[name] = data
					setAttr(c, "src", mediaRef(name))
				} else {
					out.Dropped = append(out.Dropped, "an image in a data: URI that is not a PNG, JPEG, GIF, WebP or SVG")
					n.RemoveChild(c)
				}
			case strings.Contains(src, "://") || strings.HasPrefix(src, "//"):
				// cardgen packages local files only; the picture stays reachable as a link.
				out.Remote = append(out.Remote, src)
				label := attr(c, "alt")
				if label == "" {
					label = "image"
				}
				a := &nethtml.Node{Type: nethtml.ElementNode, Data: "a", DataAtom: atom.A, Attr: []nethtml.Attribute{{Key: "href", Val: src}}}
				a.AppendChild(&nethtml.Node{Type: nethtml.TextNode, Data: label})
				n.InsertBefore(a, c)
				n.RemoveChild(c)
			default:
				out.Media = append(out.Media, src)
				setAttr(c, "src", mediaRef(rename(src)))
			}
		case c.Type == nethtml.ElementNode && c.DataAtom == atom.Pre:
			fc.code(c)
		case c.Type == nethtml.ElementNode && (c.DataAtom == atom.Span || c.DataAtom == atom.Font || c.DataAtom == atom.Div || c.DataAtom == atom.P):
			// cardgen's own math wrappers carry nothing once the math is Markdown.
			if st := attr(c, "style"); st != "" || c.DataAtom == atom.Font {
				out.Dropped = append(out.Dropped, "<"+c.Data+">")
			}
			fc.walk(c, out, ph, rename)
		case c.Type == nethtml.ElementNode && isInlineHTML(c.Data):
			out.Kept = append(out.Kept, "<"+c.Data+">")
			// Only what the sanitizer keeps: attributes would be dropped there anyway.
			c.Attr = nil
			fc.walk(c, out, ph, rename)
		case c.Type == nethtml.ElementNode && (c.DataAtom == atom.Script || c.DataAtom == atom.Style || c.DataAtom == atom.Iframe || c.DataAtom == atom.Object):
			out.Dropped = append(out.Dropped, "<"+c.Data+">")
			n.RemoveChild(c)
		default:
			fc.walk(c, out, ph, rename)
		}
		c = next
	}
}

func isInlineHTML(tag string) bool {
	for _, t := range inlineHTML {
		if t == tag {
			return true
		}
	}
	return false
}

// code gives a <pre> block the language class the converter turns into a
// fence; for cardgen's own highlighting it finds the language that
// highlights the code to the same HTML.
func (fc *fieldConverter) code(pre *nethtml.Node) {
	var orig bytes.Buffer
	_ = nethtml.Render(&orig, pre)
	text := textOf(pre)
	lang := ""
	if c := firstElement(pre, atom.Code); c != nil {
		for _, cl := range strings.Fields(attr(c, "class")) {
			if strings.HasPrefix(cl, "language-") {
				lang = strings.TrimPrefix(cl, "language-")
			}
		}
	}
	if lang == "" && strings.Contains(attr(pre, "class"), "chroma") {
		lang = fc.language(text, orig.String())
	}
	for c := pre.FirstChild; c != nil; c = pre.FirstChild {
		pre.RemoveChild(c)
	}
	code := &nethtml.Node{Type: nethtml.ElementNode, Data: "code", DataAtom: atom.Code}
	if lang != "" {
		code.Attr = []nethtml.Attribute{{Key: "class", Val: "language-" + lang}}
	}
	code.AppendChild(&nethtml.Node{Type: nethtml.TextNode, Data: text})
	pre.AppendChild(code)
	pre.Attr = nil
}

// language returns the language whose highlighting of text gives want.
func (fc *fieldConverter) language(text, want string) string {
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	want = norm(want)
	fence := "```"
	for strings.Contains(text, fence) {
		fence += "`"
	}
	for _, lang := range codeLanguages {
		got, err := fc.md.HTML(fence + lang + "\n" + strings.TrimSuffix(text, "\n") + "\n" + fence)
		if err != nil {
			continue
		}
		if norm(got) == want {
			return lang
		}
	}
	return ""
}

func textOf(n *nethtml.Node) string {
	var b strings.Builder
	var walk func(*nethtml.Node)
	walk = func(n *nethtml.Node) {
		if n.Type == nethtml.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == nethtml.ElementNode && n.DataAtom == atom.Br {
			b.WriteString("\n")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func firstElement(n *nethtml.Node, a atom.Atom) *nethtml.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == nethtml.ElementNode && c.DataAtom == a {
			return c
		}
		if f := firstElement(c, a); f != nil {
			return f
		}
	}
	return nil
}

func attr(n *nethtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func setAttr(n *nethtml.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, nethtml.Attribute{Key: key, Val: val})
}

var (
	tagRE         = regexp.MustCompile(`<[^>]*>`)
	styleScriptRE = regexp.MustCompile(`(?is)<(style|script)[^>]*>.*?</(style|script)>`)
)

func stripTags(s string) string { return tagRE.ReplaceAllString(s, "") }

// plainText is a field's text without markup, for ids and messages.
func plainText(field string) string {
	s := soundRE.ReplaceAllString(field, " ")
	s = styleScriptRE.ReplaceAllString(s, " ")
	s = tagRE.ReplaceAllString(s, " ")
	s = html.UnescapeString(s)
	return strings.Join(strings.Fields(s), " ")
}

// describe shortens text for a message.
func describe(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return fmt.Sprintf("%q…", string(r[:40]))
	}
	return fmt.Sprintf("%q", s)
}

// dataImage decodes an image carried in a data: URI and names it by its content.
func dataImage(uri string) (name string, data []byte, ok bool) {
	meta, payload, found := strings.Cut(uri[len("data:"):], ",")
	if !found {
		return "", nil, false
	}
	parts := strings.Split(strings.ToLower(meta), ";")
	ext := map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/jpg": ".jpg", "image/gif": ".gif", "image/webp": ".webp", "image/svg+xml": ".svg"}[parts[0]]
	if ext == "" {
		return "", nil, false
	}
	if parts[len(parts)-1] == "base64" {
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(payload), ""))
		if err != nil {
			return "", nil, false
		}
		data = b
	} else {
		text, err := url.PathUnescape(payload)
		if err != nil {
			return "", nil, false
		}
		data = []byte(text)
	}
	sum := sha256.Sum256(data)
	return "inline-" + hex.EncodeToString(sum[:8]) + ext, data, true
}
