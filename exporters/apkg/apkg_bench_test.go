package apkg_test

import (
	"testing"

	"github.com/cardgen/cardgen/exporters/apkg"
	"github.com/cardgen/cardgen/internal/benchdeck"
)

// BenchmarkApkg measures the .apkg exporter on synthetic sets at 1k/10k/100k.
func BenchmarkApkg(b *testing.B) { benchdeck.Run(b, apkg.Exporter{}) }
