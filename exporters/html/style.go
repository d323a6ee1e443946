package html

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/cardgen/cardgen/exporters/render"
)

// paperSize is a sheet of paper, in millimetres.
type paperSize struct {
	css           string // the @page size keyword
	width, height float64
}

var papers = map[string]paperSize{
	"a4":     {css: "A4", width: 210, height: 297},
	"letter": {css: "letter", width: 215.9, height: 279.4},
}

// The cards layout puts cardColumns × cardRows cards on a sheet: about A6,
// room for a long answer at a readable size.
const (
	cardColumns = 2
	cardRows    = 2
)

// margins are top, right, bottom and left, in millimetres. Left and right
// are equal so the mirrored backs of the cards layout line up with the fronts.
type margins [4]float64

var (
	documentMargins = margins{18, 16, 20, 16}
	cardsMargins    = margins{10, 10, 12, 10}
)

//go:embed style.css
var baseCSS string

// stylesheet is the page's whole CSS: paper and layout rules, the base
// style and the code-highlight colours shared with the other outputs.
func stylesheet(paper paperSize, l Layout) string {
	m := documentMargins
	if l == Cards {
		m = cardsMargins
	}
	innerW := paper.width - m[1] - m[3]
	innerH := paper.height - m[0] - m[2]
	var b strings.Builder
	fmt.Fprintf(&b, "@page { size: %s; margin: %smm %smm %smm %smm;\n", paper.css, mm(m[0]), mm(m[1]), mm(m[2]), mm(m[3]))
	b.WriteString("  @bottom-center { content: counter(page) \" / \" counter(pages); font-family: sans-serif; font-size: 8pt; color: #777; } }\n")
	b.WriteString("@page :first { @bottom-center { content: none; } }\n")
	// A hair under the full height, so rounding never pushes a page over.
	fmt.Fprintf(&b, "@media print { .title-page { height: %smm; } }\n", mm(innerH-2))
	// The height of a page's text, for the pdf exporter to tell long cards from short ones.
	fmt.Fprintf(&b, ":root { --page-height: %smm; }\n", mm(innerH))
	if l == Cards {
		fmt.Fprintf(&b, ".sheet { width: %smm; height: %smm; grid-template-columns: repeat(%d, 1fr); grid-template-rows: repeat(%d, 1fr); }\n",
			mm(innerW), mm(innerH-1), cardColumns, cardRows)
	}
	b.WriteString(baseCSS)
	b.WriteString(render.CSS())
	return b.String()
}

func mm(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}
