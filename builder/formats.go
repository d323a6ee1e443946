package builder

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/apkg"
	"github.com/cardgen/cardgen/exporters/csvdeck"
	"github.com/cardgen/cardgen/exporters/html"
	"github.com/cardgen/cardgen/exporters/markdown"
	"github.com/cardgen/cardgen/exporters/pdf"
)

// available lists the exporters this cardgen can run, one per format.
var available = []exporters.Exporter{
	apkg.Exporter{},
	csvdeck.Anki{},
	csvdeck.Plain{},
	markdown.Exporter{Layout: markdown.Study},
	markdown.Exporter{Layout: markdown.Quiz},
	markdown.Exporter{Layout: markdown.Details},
	html.Exporter{Layout: html.Study},
	html.Exporter{Layout: html.Quiz},
	html.Exporter{Layout: html.Cards},
	pdf.Exporter{Layout: html.Study},
	pdf.Exporter{Layout: html.Quiz},
	pdf.Exporter{Layout: html.Cards},
}

// planned are formats a config may name that this cardgen cannot write yet.
var planned = []string{"apkg", "csv", "csv-plain", "md", "html", "pdf"}

func exporterFor(format string) exporters.Exporter {
	for _, e := range available {
		if e.Format() == format {
			return e
		}
	}
	return nil
}

// Formats lists the formats cardgen can write, in a stable order.
func Formats() []string {
	var out []string
	for _, e := range available {
		out = append(out, e.Format())
	}
	return out
}

func isPlanned(format string) bool { return slices.Contains(planned, format) }

// checkPaper accepts the paper sizes the printable formats know; empty is the default.
func checkPaper(paper string) error {
	if paper == "" || slices.Contains(html.Papers, paper) {
		return nil
	}
	return fmt.Errorf("unknown paper size '%s'; use %s", paper, strings.Join(html.Papers, " or "))
}
