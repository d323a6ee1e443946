package render

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// codeStyle is goldmark-highlighting's default style; with CSS classes it
// only decides which token types get a class.
const codeStyle = lightStyle

// codeRenderer highlights fenced code blocks exactly as goldmark-highlighting
// does, but with one chroma formatter and one lexer per language for the
// whole process: the library builds both for every block, which cost more
// than the highlighting itself. Blocks with attributes ({linenos=…}) or no
// known language go to the library's renderer unchanged.
//
// A highlighted block is kept by the SHA-256 of its language and code, so a
// block that recurs (a snippet quoted on several cards, a template with a
// varying comment) is tokenised once per process: chroma's regular
// expressions cost several microseconds per byte of code in every language
// but Python (see pylex.go). The memo holds at most CodeMemoBytes of HTML.
type codeRenderer struct {
	lib       renderer.NodeRenderer
	fallback  renderer.NodeRendererFunc
	formatter *chromahtml.Formatter
	style     *chroma.Style
	lexers    sync.Map // language -> chroma.Lexer, nil when unknown
	memo      sync.Map // [32]byte -> string
	memoSize  atomic.Int64
	memoBytes atomic.Int64
}

// CodeMemoBytes bounds the HTML the memo of highlighted blocks holds.
const CodeMemoBytes = 16 << 20

func newCodeRenderer(opts ...chromahtml.Option) *codeRenderer {
	r := &codeRenderer{
		lib:       highlighting.NewHTMLRenderer(highlighting.WithFormatOptions(opts...), highlighting.WithGuessLanguage(false)),
		formatter: chromahtml.New(opts...),
		style:     styles.Get(codeStyle),
	}
	r.memoBytes.Store(CodeMemoBytes)
	return r
}

// SetOption passes goldmark's renderer options (such as WithUnsafe) to the library's renderer.
func (r *codeRenderer) SetOption(name renderer.OptionName, value any) {
	if so, ok := r.lib.(renderer.SetOptioner); ok {
		so.SetOption(name, value)
	}
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r *codeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	r.lib.RegisterFuncs(registerFunc(func(k ast.NodeKind, f renderer.NodeRendererFunc) {
		if k == ast.KindFencedCodeBlock {
			r.fallback = f
		}
	}))
	reg.Register(ast.KindFencedCodeBlock, r.render)
}

type registerFunc func(ast.NodeKind, renderer.NodeRendererFunc)

func (f registerFunc) Register(k ast.NodeKind, fn renderer.NodeRendererFunc) { f(k, fn) }

func (r *codeRenderer) render(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.FencedCodeBlock)
	if !entering {
		return ast.WalkContinue, nil
	}
	lexer := r.lexer(n, source)
	if lexer == nil {
		return r.fallback(w, source, node, entering)
	}
	var code bytes.Buffer
	for i := 0; i < n.Lines().Len(); i++ {
		line := n.Lines().At(i)
		code.Write(line.Value(source))
	}
	h := sha256.New()
	h.Write([]byte(lexer.Config().Name))
	h.Write([]byte{0})
	h.Write(code.Bytes())
	var key [32]byte
	h.Sum(key[:0])
	if html, ok := r.memo.Load(key); ok {
		_, _ = w.WriteString(html.(string))
		return ast.WalkContinue, nil
	}
	var it chroma.Iterator
	if toks, ok := fastTokens(lexer, code.String()); ok {
		it = chroma.Literator(toks...)
	} else {
		var err error
		if it, err = lexer.Tokenise(nil, code.String()); err != nil {
			return r.fallback(w, source, node, entering)
		}
	}
	var html strings.Builder
	_ = r.formatter.Format(&html, r.style, it)
	if r.memoSize.Add(int64(html.Len())) <= r.memoBytes.Load() {
		r.memo.Store(key, html.String())
	}
	_, _ = w.WriteString(html.String())
	return ast.WalkContinue, nil
}

// LimitCodeMemo empties the memo of highlighted blocks (see codeRenderer)
// and bounds it to n bytes of HTML from now on; 0 keeps none. Output is
// the same whatever the bound. Not for use while r renders.
func (r *Renderer) LimitCodeMemo(n int64) {
	r.code.memoBytes.Store(n)
	r.code.memo.Clear()
	r.code.memoSize.Store(0)
}

// lexer returns the coalesced lexer of the block's language, or nil when
// the library's own renderer must handle the block.
func (r *codeRenderer) lexer(n *ast.FencedCodeBlock, source []byte) chroma.Lexer {
	if n.Attributes() != nil || n.Info != nil && bytes.IndexByte(n.Info.Segment.Value(source), '{') >= 0 {
		return nil
	}
	lang := n.Language(source)
	if lang == nil {
		return nil
	}
	if l, ok := r.lexers.Load(string(lang)); ok {
		lexer, _ := l.(chroma.Lexer)
		return lexer
	}
	var l chroma.Lexer
	if found := lexers.Get(string(lang)); found != nil {
		l = chroma.Coalesce(found)
	}
	r.lexers.Store(string(lang), l)
	return l
}

// fastTokens tokenises Python with pyLexer when it can, which gives chroma's
// tokens without its cost.
func fastTokens(lexer chroma.Lexer, code string) ([]chroma.Token, bool) {
	if lexer.Config().Name != "Python" || pyFast() == nil {
		return nil, false
	}
	return pyFast().tokens(code)
}
