package mathml

import (
	"strings"
)

// node is one MathML element; a token element (mi, mn, mo, mtext) has text
// and no children.
type node struct {
	tag      string
	attrs    []attr
	text     string
	children []*node

	// Parser hints, never written out.
	limits       bool // scripts go under and over in display style (\sum, \lim)
	alwaysLimits bool // scripts go under and over in every style (\overbrace)
	fn           bool // a function name such as \log, spaced from an ordinary argument
	open         bool // an opening delimiter: no space after a function name
}

type attr struct{ name, value string }

func elem(tag string, children ...*node) *node { return &node{tag: tag, children: children} }

func leaf(tag, text string) *node { return &node{tag: tag, text: text} }

func (n *node) set(name, value string) *node {
	for i := range n.attrs {
		if n.attrs[i].name == name {
			n.attrs[i].value = value
			return n
		}
	}
	n.attrs = append(n.attrs, attr{name, value})
	return n
}

// row wraps several nodes in one mrow; a single node stands alone.
func row(ns []*node) *node {
	if len(ns) == 1 {
		return ns[0]
	}
	return elem("mrow", ns...)
}

func (n *node) write(b *strings.Builder) {
	b.WriteByte('<')
	b.WriteString(n.tag)
	for _, a := range n.attrs {
		b.WriteByte(' ')
		b.WriteString(a.name)
		b.WriteString(`="`)
		escape(b, a.value)
		b.WriteByte('"')
	}
	if n.text == "" && len(n.children) == 0 && n.tag != "mi" && n.tag != "mo" && n.tag != "mn" && n.tag != "mtext" {
		b.WriteString("/>")
		return
	}
	b.WriteByte('>')
	escape(b, n.text)
	for _, c := range n.children {
		c.write(b)
	}
	b.WriteString("</")
	b.WriteString(n.tag)
	b.WriteByte('>')
}

func escape(b *strings.Builder, s string) {
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
}
