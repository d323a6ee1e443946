package render

import (
	"bytes"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// Formula is one $…$ or $$…$$ formula of a Markdown text.
type Formula struct {
	TeX     string
	Display bool
	// Offset is the byte offset of the TeX's first byte in the Markdown.
	Offset int
}

// Span is a byte range [Start, End) of a Markdown text.
type Span struct{ Start, End int }

// Outline is what a Markdown text holds besides markup: its formulas, and
// the spans of prose, which exclude code, math, raw HTML, autolinks and
// link destinations. Offsets are into the text given to Scan.
type Outline struct {
	Formulas []Formula
	Prose    []Span
	// Hidden are the spans of code, math, raw HTML and autolinks, in order:
	// text that belongs to no language and must not be edited as prose.
	Hidden []Span
}

// Only the parser is used; the code renderer is there because newMarkdown needs one.
var scanParser = newMarkdown(newCodeRenderer(chromahtml.WithClasses(true)), extension.GFM).Parser()

// Scan parses src as the renderer does and returns its outline.
func Scan(src string) Outline {
	source := []byte(src)
	doc := scanParser.Parse(text.NewReader(source))
	var o Outline
	hide := func(start, end int) {
		if start < end {
			o.Hidden = append(o.Hidden, Span{start, end})
		}
	}
	hideLines := func(n ast.Node) {
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			hide(seg.Start, seg.Stop)
		}
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *Math:
			o.Formulas = append(o.Formulas, Formula{TeX: string(n.TeX), Display: n.Display, Offset: n.Offset})
			hide(n.Offset, n.Offset+len(n.TeX))
			return ast.WalkSkipChildren, nil
		case *MathBlock:
			var tex bytes.Buffer
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				tex.Write(seg.Value(source))
			}
			if lines.Len() > 0 {
				start := lines.At(0).Start
				t := tex.Bytes()
				o.Formulas = append(o.Formulas, Formula{TeX: string(bytes.TrimSpace(t)), Display: true, Offset: start + leadingSpace(t)})
			}
			hideLines(n)
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			hideLines(n)
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan, *ast.AutoLink:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					hide(t.Segment.Start, t.Segment.Stop)
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			for i := 0; i < n.Segments.Len(); i++ {
				seg := n.Segments.At(i)
				hide(seg.Start, seg.Stop)
			}
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if n.Segment.Start < n.Segment.Stop {
				o.Prose = append(o.Prose, Span{n.Segment.Start, n.Segment.Stop})
			}
		}
		return ast.WalkContinue, nil
	})
	return o
}
