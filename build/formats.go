package build

import (
	"slices"

	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/apkg"
	"github.com/cardgen/cardgen/exporters/csvdeck"
	"github.com/cardgen/cardgen/exporters/markdown"
)

// available lists the exporters this cardgen can run, one per format.
var available = []exporters.Exporter{
	apkg.Exporter{},
	csvdeck.Anki{},
	csvdeck.Plain{},
	markdown.Exporter{Layout: markdown.Study},
	markdown.Exporter{Layout: markdown.Quiz},
	markdown.Exporter{Layout: markdown.Details},
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
