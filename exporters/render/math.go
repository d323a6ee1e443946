package render

import (
	"bytes"
	"html"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Math is TeX written as $…$ (inline) or $$…$$ (display) inside a paragraph.
type Math struct {
	ast.BaseInline
	Display bool
	TeX     []byte
}

// KindMath is the node kind of Math.
var KindMath = ast.NewNodeKind("Math")

// Kind implements ast.Node.
func (n *Math) Kind() ast.NodeKind { return KindMath }

// Dump implements ast.Node.
func (n *Math) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"TeX": string(n.TeX)}, nil)
}

// MathBlock is display math whose $$ fences stand on their own lines.
type MathBlock struct {
	ast.BaseBlock
}

// KindMathBlock is the node kind of MathBlock.
var KindMathBlock = ast.NewNodeKind("MathBlock")

// Kind implements ast.Node.
func (n *MathBlock) Kind() ast.NodeKind { return KindMathBlock }

// IsRaw implements ast.Node: the lines are TeX, not Markdown.
func (n *MathBlock) IsRaw() bool { return true }

// Dump implements ast.Node.
func (n *MathBlock) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

type mathInlineParser struct{}

func (mathInlineParser) Trigger() []byte { return []byte{'$'} }

// mathMemo remembers, per document, the last span of a paragraph known to
// hold no closing delimiter, so each "$" of a paragraph full of unclosed
// ones does not scan to its end again: parsing stays linear.
type mathMemo struct {
	// from and to are source offsets: a scan that began at from found no closer before to.
	from, to [2]int
}

var mathMemoKey = parser.NewContextKey()

func memoOf(pc parser.Context) *mathMemo {
	if m, ok := pc.Get(mathMemoKey).(*mathMemo); ok {
		return m
	}
	m := &mathMemo{from: [2]int{-1, -1}, to: [2]int{-1, -1}}
	pc.Set(mathMemoKey, m)
	return m
}

// Parse follows pandoc's tex_math_dollars rule: the opening $ is not followed
// by a space, the closing $ is not preceded by a space nor followed by a digit,
// so prices like "$5 and $6" stay text.
func (mathInlineParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	display := len(line) > 1 && line[1] == '$'
	open, kind := 1, 0
	if display {
		open, kind = 2, 1
	}
	if len(line) <= open || (!display && isSpace(line[open])) {
		return nil
	}
	// A closer after this opener would have closed the earlier scan that
	// passed over it and failed: no need to look again.
	memo := memoOf(pc)
	if start := seg.Start; memo.from[kind] >= 0 && start > memo.from[kind] && start < memo.to[kind] {
		return nil
	}
	fail := func(end int) ast.Node {
		memo.from[kind], memo.to[kind] = seg.Start, end
		return nil
	}
	// Collect the raw source up to the closing delimiter, across soft line breaks.
	l, pos := block.Position()
	block.Advance(open)
	var tex []byte
	end := seg.Stop
	for {
		line, lseg := block.PeekLine()
		if line == nil {
			block.SetPosition(l, pos)
			return fail(end)
		}
		end = lseg.Stop
		for i := 0; i < len(line); i++ {
			switch line[i] {
			case '\\':
				i++ // an escaped character never closes
			case '$':
				if display {
					if i+1 < len(line) && line[i+1] == '$' {
						tex = append(tex, line[:i]...)
						block.Advance(i + 2)
						return &Math{Display: true, TeX: bytes.TrimSpace(tex)}
					}
					continue
				}
				if i == 0 || isSpace(line[i-1]) {
					continue
				}
				if i+1 < len(line) && line[i+1] >= '0' && line[i+1] <= '9' {
					continue
				}
				tex = append(tex, line[:i]...)
				block.Advance(i + 1)
				return &Math{TeX: tex}
			}
		}
		if util.IsBlank(line) {
			block.SetPosition(l, pos)
			return fail(lseg.Start)
		}
		tex = append(tex, line...)
		block.AdvanceLine()
	}
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

type mathBlockParser struct{}

// MathBlockParser returns the parser for $$ display-math blocks, so other
// Markdown readers (the Markdown exporter) find block extents exactly as the renderer does.
func MathBlockParser() parser.BlockParser { return mathBlockParser{} }

func (mathBlockParser) Trigger() []byte { return []byte{'$'} }

func (mathBlockParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()

	if pos < 0 || !bytes.HasPrefix(line[pos:], []byte("$$")) {
		return nil, parser.NoChildren
	}
	rest := bytes.TrimSpace(line[pos+2:])
	if len(rest) > 0 {
		// "$$ x $$" alone on a line is a one-line block; anything else after
		// the fence is inline display math inside a paragraph.
		if !bytes.HasSuffix(rest, []byte("$$")) || len(rest) < 2 {
			return nil, parser.NoChildren
		}
		node := &MathBlock{}
		inner := bytes.TrimSpace(rest[:len(rest)-2])
		start := seg.Start + pos + 2 + bytes.Index(line[pos+2:], inner)
		node.Lines().Append(text.NewSegment(start, start+len(inner)))
		return node, parser.Close
	}
	return &MathBlock{}, parser.NoChildren
}

func (mathBlockParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	line, seg := reader.PeekLine()

	if line == nil {
		return parser.Close
	}
	trimmed := bytes.TrimSpace(line)
	if bytes.HasSuffix(trimmed, []byte("$$")) {
		inner := bytes.TrimSuffix(bytes.TrimRight(line, " \t\r\n"), []byte("$$"))
		if len(bytes.TrimSpace(inner)) > 0 {
			node.Lines().Append(text.NewSegment(seg.Start, seg.Start+len(inner)))
		}
		reader.AdvanceToEOL()
		return parser.Close
	}
	node.Lines().Append(seg)
	reader.AdvanceToEOL()
	return parser.Continue | parser.NoChildren
}

func (mathBlockParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {}
func (mathBlockParser) CanInterruptParagraph() bool                                { return true }
func (mathBlockParser) CanAcceptIndentedLine() bool                                { return false }

type mathRenderer struct{}

func (mathRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindMath, renderMath)
	reg.Register(KindMathBlock, renderMathBlock)
}

// Math is written the way Anki's MathJax reads it: \(…\) inline and \[…\]
// display, never $ (anki-format.md §5.2), with <, > and & escaped.
func renderMath(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	m := n.(*Math)
	if m.Display {
		_, _ = w.WriteString(`<span class="math display">\[`)
		_, _ = w.WriteString(html.EscapeString(string(m.TeX)))
		_, _ = w.WriteString(`\]</span>`)
	} else {
		_, _ = w.WriteString(`<span class="math inline">\(`)
		_, _ = w.WriteString(html.EscapeString(string(m.TeX)))
		_, _ = w.WriteString(`\)</span>`)
	}
	return ast.WalkSkipChildren, nil
}

func renderMathBlock(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	var tex bytes.Buffer
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		tex.Write(seg.Value(source))
	}
	_, _ = w.WriteString(`<div class="math display">\[`)
	_, _ = w.WriteString(html.EscapeString(string(bytes.TrimSpace(tex.Bytes()))))
	_, _ = w.WriteString("\\]</div>\n")
	return ast.WalkSkipChildren, nil
}

type mathExtension struct{}

func (mathExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithBlockParsers(util.Prioritized(mathBlockParser{}, 150)),
		parser.WithInlineParsers(util.Prioritized(mathInlineParser{}, 150)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(mathRenderer{}, 150)))
}
