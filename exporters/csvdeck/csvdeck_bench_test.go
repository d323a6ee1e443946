package csvdeck_test

import (
	"testing"

	"github.com/cardgen/cardgen/exporters/csvdeck"
	"github.com/cardgen/cardgen/internal/benchdeck"
)

// BenchmarkAnki measures the Anki CSV exporter on synthetic sets at 1k/10k/100k.
func BenchmarkAnki(b *testing.B) { benchdeck.Run(b, csvdeck.Anki{}) }

// BenchmarkPlain measures the spreadsheet CSV exporter.
func BenchmarkPlain(b *testing.B) { benchdeck.Run(b, csvdeck.Plain{}) }
