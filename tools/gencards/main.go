// Command gencards writes a synthetic question set for benchmarks:
//
//	go run ./tools/gencards -n 100000 -out /tmp/synth
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/cardgen/cardgen/internal/synth"
)

func main() {
	n := flag.Int("n", 100000, "number of cards")
	out := flag.String("out", "synth", "output folder (config.toml and cards/)")
	seed := flag.Uint64("seed", 1, "random seed; the same seed gives the same files")
	flag.Parse()
	if err := synth.Write(*out, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gencards:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "wrote %d cards to %s\n", *n, *out)
}
