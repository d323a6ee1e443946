package markdown

import (
	"bytes"
	"path"
	"regexp"
	"strings"

	"github.com/cardgen/cardgen/exporters/render"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// mdParser finds the block structure of card Markdown: the same block rules
// as the shared renderer, including $$ display math, so a "# " line inside
// math or code is never taken for a heading.
var mdParser = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(parser.WithBlockParsers(util.Prioritized(render.MathBlockParser(), 150))),
).Parser()

func parse(src []byte) ast.Node { return mdParser.Parse(text.NewReader(src)) }

// shiftHeadings rewrites the headings of Markdown src so the highest of them
// has level top and the others keep their distance to it (at most 6).
// Setext headings become ATX headings; everything else is left byte for byte.
func shiftHeadings(src string, top int) string {
	if !mayHaveHeading(src) {
		return src
	}
	source := []byte(src)
	var hs []*ast.Heading
	_ = ast.Walk(parse(source), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			hs = append(hs, h)
		}
		return ast.WalkContinue, nil
	})
	if len(hs) == 0 {
		return src
	}
	highest := 6
	for _, h := range hs {
		highest = min(highest, h.Level)
	}
	delta := top - highest
	if delta == 0 {
		return src
	}
	var out strings.Builder
	last := 0
	for _, h := range hs {
		level := min(max(h.Level+delta, 1), 6)
		start := h.Pos()
		if start < 0 || start < last {
			continue
		}
		end := start + h.Level
		replacement := strings.Repeat("#", level)
		if !isATX(source, h) {
			end = blockEnd(source, h)
			replacement += " " + atxSafe(headingText(source, h)) + "\n"
		}
		out.Write(source[last:start])
		out.WriteString(replacement)
		last = end
	}
	out.Write(source[last:])
	return out.String()
}

// isATX reports whether h is written with leading #s rather than underlined.
func isATX(source []byte, h *ast.Heading) bool {
	p, end := h.Pos(), h.Pos()+h.Level
	if p < 0 || end > len(source) || string(source[p:end]) != strings.Repeat("#", h.Level) {
		return false
	}
	return end == len(source) || strings.IndexByte(" \t\r\n", source[end]) >= 0
}

// blockEnd is the offset just past the last line of block n, including the
// underline of a setext heading.
func blockEnd(source []byte, n ast.Node) int {
	lines := n.Lines()
	end := n.Pos()
	if lines.Len() > 0 {
		end = lines.At(lines.Len() - 1).Stop
	}
	end = afterLine(source, end)
	if h, ok := n.(*ast.Heading); ok && !isATX(source, h) {
		end = afterLine(source, end+1)
	}
	return min(end, len(source))
}

// afterLine returns the offset after the line break that ends the line containing
// offset i-1 (or i itself when source[i-1] already is that line break).
func afterLine(source []byte, i int) int {
	if i > 0 && i <= len(source) && source[i-1] == '\n' {
		return i
	}
	if j := bytes.IndexByte(source[min(i, len(source)):], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(source)
}

// headingText is the one-line Markdown of a paragraph or heading: its lines
// joined by spaces, without hard-break markers.
func headingText(source []byte, n ast.Node) string {
	lines := n.Lines()
	parts := make([]string, 0, lines.Len())
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		s := strings.TrimSpace(string(seg.Value(source)))
		if i < lines.Len()-1 {
			s = strings.TrimSuffix(s, `\`)
		}
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// atxSafe keeps a trailing " #" of heading text from being read as the
// closing sequence of an ATX heading.
func atxSafe(s string) string {
	if strings.HasSuffix(s, "#") && !strings.HasSuffix(s, `\#`) {
		return s[:len(s)-1] + `\#`
	}
	return s
}

// splitQuestion returns the question's first paragraph (or heading) as one
// line, and the Markdown that follows it. head is empty when the question
// does not start with text.
func splitQuestion(src string) (head, rest string) {
	if head, ok := oneLineParagraph(src); ok {
		return head, ""
	}
	source := []byte(src)
	first := parse(source).FirstChild()
	switch first.(type) {
	case *ast.Paragraph, *ast.Heading:
	default:
		return "", src
	}
	head = headingText(source, first)
	if head == "" {
		return "", src
	}
	return head, strings.TrimSpace(src[blockEnd(source, first):])
}

var clozeRE = regexp.MustCompile(`(?s)\{\{c[1-9][0-9]*::(.*?)(?:::(.*?))?\}\}`)

// hideCloze shows each deletion as […], or as [hint] when it has one.
func hideCloze(s string) string {
	return clozeRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := clozeRE.FindStringSubmatch(m)
		if sub[2] != "" {
			return `\[` + sub[2] + `\]`
		}
		return `\[…\]`
	})
}

// revealCloze shows each deletion's text in bold.
func revealCloze(s string) string {
	return clozeRE.ReplaceAllStringFunc(s, func(m string) string {
		t := strings.TrimSpace(clozeRE.FindStringSubmatch(m)[1])
		if t == "" {
			return ""
		}
		return "**" + t + "**"
	})
}

// blankBeforeBlocks puts a blank line before every list, block quote, ATX
// heading and fenced code block of src that directly follows a paragraph
// line. CommonMark and GitHub let those blocks interrupt a paragraph;
// pandoc's own Markdown reads them as more of the paragraph. With the blank
// line all three read the same blocks. Lists nested in list items are left
// alone: pandoc reads those without one.
func blankBeforeBlocks(src string) string {
	if !strings.Contains(src, "\n") {
		return src
	}
	source := []byte(src)
	type insert struct {
		at     int
		prefix string // the block quote markers of the blank line
	}
	var at []insert
	doc := parse(source)
	var visit func(parent ast.Node, prefix string)
	visit = func(parent ast.Node, prefix string) {
		for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
			if bq, ok := n.(*ast.Blockquote); ok {
				visit(bq, prefix+">")
			}
			if _, ok := n.PreviousSibling().(*ast.Paragraph); !ok {
				continue
			}
			switch h := n.(type) {
			case *ast.List, *ast.Blockquote, *ast.FencedCodeBlock:
			case *ast.Heading:
				if !isATX(source, h) {
					continue
				}
			default:
				continue
			}
			start := firstOffset(n)
			if start < 0 {
				continue
			}
			line := bytes.LastIndexByte(source[:start], '\n') + 1
			if _, ok := n.(*ast.FencedCodeBlock); ok && line > 0 {
				line = prevLine(source, line) // the opening fence
			}
			if line > 0 && strings.Trim(src[prevLine(source, line):line], "> \t\r\n") != "" {
				at = append(at, insert{line, prefix})
			}
		}
	}
	visit(doc, "")
	if len(at) == 0 {
		return src
	}
	var out strings.Builder
	last := 0
	for _, in := range at {
		out.WriteString(src[last:in.at])
		out.WriteString(in.prefix + "\n")
		last = in.at
	}
	out.WriteString(src[last:])
	return out.String()
}

// firstOffset is the source offset of the first line of block n's content, or -1.
func firstOffset(n ast.Node) int {
	for ; n != nil; n = n.FirstChild() {
		if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
			return n.Lines().At(0).Start
		}
	}
	return -1
}

// prevLine is the offset of the start of the line before the one at line.
func prevLine(source []byte, line int) int {
	return bytes.LastIndexByte(source[:line-1], '\n') + 1
}

var (
	mdAudioRE = regexp.MustCompile(`!\[([^\]]*)\]\(\s*<?([^)\s>]+\.(?i:mp3|ogg|wav|m4a))>?(?:\s+"[^"]*")?\s*\)`)
	soundRE   = regexp.MustCompile(`\[sound:([^\]\s]+)\]`)
)

// audioLinks turns sound files written as images (![…](a.mp3)) and Anki's
// [sound:a.mp3] into links: a reader cannot show a sound as an image.
func audioLinks(src string) string {
	if !strings.Contains(src, "](") && !strings.Contains(src, "[sound:") {
		return src
	}
	src = mdAudioRE.ReplaceAllStringFunc(src, func(m string) string {
		sub := mdAudioRE.FindStringSubmatch(m)
		label := sub[1]
		if label == "" {
			label = path.Base(sub[2])
		}
		return "[🔊 " + label + "](" + sub[2] + ")"
	})
	return soundRE.ReplaceAllStringFunc(src, func(m string) string {
		ref := soundRE.FindStringSubmatch(m)[1]
		return "[🔊 " + path.Base(ref) + "](" + ref + ")"
	})
}
