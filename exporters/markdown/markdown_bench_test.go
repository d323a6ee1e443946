package markdown_test

import (
	"testing"

	"github.com/cardgen/cardgen/exporters/markdown"
	"github.com/cardgen/cardgen/internal/benchdeck"
)

// BenchmarkMarkdown measures the Markdown exporter (study layout) on synthetic sets at 1k/10k/100k.
func BenchmarkMarkdown(b *testing.B) { benchdeck.Run(b, markdown.Exporter{Layout: markdown.Study}) }
