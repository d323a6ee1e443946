package mathml

import "strings"

// environment parses \begin{name} … \end{name}; \begin is already read.
func (p *parser) environment() (*node, error) {
	name, err := p.rawGroup()
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if p.check {
		p.latexMissing(name, "{"+name+"}")
	}
	save := p.display
	defer func() { p.display = save }()
	center := func(int) string { return "center" }
	var (
		align func(int) string
		pad   func(int) string
		open  string
		close string
		style bool // cells in display style
	)
	switch name {
	case "matrix", "smallmatrix":
		align = center
	case "pmatrix":
		align, open, close = center, "(", ")"
	case "bmatrix":
		align, open, close = center, "[", "]"
	case "Bmatrix":
		align, open, close = center, "{", "}"
	case "vmatrix":
		align, open, close = center, "|", "|"
	case "Vmatrix":
		align, open, close = center, "‖", "‖"
	case "cases", "dcases":
		align, open, style = func(int) string { return "left" }, "{", name == "dcases"
		pad = func(c int) string {
			if c > 0 {
				return "padding-left:1em"
			}
			return "padding-left:0"
		}
	case "rcases":
		align, close = func(int) string { return "left" }, "}"
	case "aligned", "align", "align*", "split", "alignedat", "alignat", "alignat*":
		if strings.HasPrefix(name, "alignat") || name == "alignedat" {
			// The column count only matters to TeX.
			if _, err := p.rawGroup(); err != nil {
				return nil, err
			}
		}
		// Pairs of right- and left-aligned columns meet at the relation, as in TeX.
		align = func(c int) string { return []string{"right", "left"}[c%2] }
		pad = func(c int) string {
			if c%2 == 0 && c > 0 {
				return "padding-left:2em;padding-right:0"
			}
			return "padding-left:0;padding-right:0"
		}
		style = true
	case "gathered", "gather", "gather*", "multline", "multline*":
		align, style = center, true
	case "equation", "equation*":
		p.display = true
		body, err := p.parseExpr(func(t token) bool { return t.is(tokCmd, "end") })
		if err != nil {
			return nil, err
		}
		if err := p.end(name); err != nil {
			return nil, err
		}
		return elem("mrow", body...), nil
	case "array", "subarray":
		spec, err := p.rawGroup()
		if err != nil {
			return nil, err
		}
		var cols []string
		for _, c := range spec {
			switch c {
			case 'l':
				cols = append(cols, "left")
			case 'c':
				cols = append(cols, "center")
			case 'r':
				cols = append(cols, "right")
			case '|', ' ':
				// Rules between columns are not drawn.
			default:
				return nil, errorf(`unsupported array column spec {%s}`, spec)
			}
		}
		align = func(c int) string {
			if c < len(cols) {
				return cols[c]
			}
			return "center"
		}
	default:
		return nil, errorf(`unsupported environment {%s}`, name)
	}
	p.display = style
	rows, err := p.parseRows(func(t token) bool { return t.is(tokCmd, "end") }, true)
	if err != nil {
		return nil, err
	}
	if err := p.end(name); err != nil {
		return nil, err
	}
	if strings.HasPrefix(name, "align") || name == "split" {
		// An empty atom before a leading relation keeps its spacing, as amsmath's {} does.
		for _, r := range rows {
			for c, cell := range r {
				if first := firstChild(cell); c%2 == 1 && first != nil && first.tag == "mo" {
					r[c] = elem("mrow", append([]*node{leaf("mi", "")}, cellChildren(cell)...)...)
				}
			}
		}
	}
	t := table(rows, align, pad)
	if style {
		t.set("displaystyle", "true")
	}
	if open == "" && close == "" {
		return t, nil
	}
	out := elem("mrow")
	if open != "" {
		out.children = append(out.children, leaf("mo", open).set("fence", "true").set("stretchy", "true").set("symmetric", "true"))
	}
	out.children = append(out.children, t)
	if close != "" {
		out.children = append(out.children, leaf("mo", close).set("fence", "true").set("stretchy", "true").set("symmetric", "true"))
	}
	return out, nil
}

// end reads \end{name}.
func (p *parser) end(name string) error {
	if t := p.next(); !t.is(tokCmd, "end") {
		return errorf(`\begin{%s} without \end{%s}`, name, name)
	}
	got, err := p.rawGroup()
	if err != nil {
		return err
	}
	if strings.TrimSpace(got) != name {
		return errorf(`\begin{%s} ended by \end{%s}`, name, got)
	}
	return nil
}

// parseRows parses cells separated by & (when columns) and rows separated
// by \\ up to stop; a trailing \\ adds no empty row.
func (p *parser) parseRows(stop func(token) bool, columns bool) ([][]*node, error) {
	var rows [][]*node
	var cur []*node
	for {
		cell, err := p.parseExpr(func(t token) bool {
			return columns && isAmp(t) || isNewline(t) || stop(t)
		})
		if err != nil {
			return nil, err
		}
		cur = append(cur, row(append([]*node{}, cell...)))
		if len(cell) == 0 {
			cur[len(cur)-1] = elem("mrow")
		}
		t := p.peek()
		switch {
		case columns && isAmp(t):
			p.next()
			continue
		case isNewline(t):
			p.next()
			// \\[4pt] sets the gap to the next row; the default gap is kept.
			if _, _, err := p.rawBracket(); err != nil {
				return nil, err
			}
			rows = append(rows, cur)
			cur = nil
			continue
		}
		if len(cur) > 1 || len(cur[0].children) > 0 || cur[0].tag != "mrow" || len(rows) == 0 {
			rows = append(rows, cur)
		}
		return rows, nil
	}
}

// table lays rows out in an mtable; align gives each column's alignment
// and pad, when not nil, its horizontal padding.
func table(rows [][]*node, align func(int) string, pad func(int) string) *node {
	t := elem("mtable")
	for _, r := range rows {
		tr := elem("mtr")
		for c, cell := range r {
			td := elem("mtd", cell)
			var style []string
			if a := align(c); a != "center" {
				// columnalign serves Firefox and Safari; Chromium aligns math in
				// a cell by the -webkit- keywords only, not by left or right.
				td.set("columnalign", a)
				style = append(style, "text-align:-webkit-"+a)
			}
			if pad != nil {
				style = append(style, pad(c))
			}
			if len(style) > 0 {
				td.set("style", strings.Join(style, ";"))
			}
			tr.children = append(tr.children, td)
		}
		t.children = append(t.children, tr)
	}
	return t
}

func firstChild(n *node) *node {
	if n.tag == "mrow" {
		if len(n.children) == 0 {
			return nil
		}
		return n.children[0]
	}
	return n
}

func cellChildren(n *node) []*node {
	if n.tag == "mrow" {
		return n.children
	}
	return []*node{n}
}
