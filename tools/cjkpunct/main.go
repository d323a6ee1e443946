// Command cjkpunct makes the punctuation of the Chinese prose of topic files
// full-width (see package cjkpunct), leaving code, math and English alone:
//
//	go run ./tools/cjkpunct cards/*.toml
//
// Check the result with `cardgen validate --strict` on a deck whose
// config sets [deck] cjk_punctuation = true, and by building it.
package main

import (
	"fmt"
	"os"

	"github.com/cardgen/cardgen/cjkpunct"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: cjkpunct FILE.toml...")
		os.Exit(2)
	}
	failed := false
	for _, path := range os.Args[1:] {
		if err := fixFile(path); err != nil {
			fmt.Fprintln(os.Stderr, "cjkpunct:", err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

func fixFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, n, skipped, err := cjkpunct.FixTOML(string(data))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, s := range skipped {
		fmt.Fprintf(os.Stderr, "%s: %s\n", path, s)
	}
	if n == 0 {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp := path + ".cjkpunct.tmp"
	if err := os.WriteFile(tmp, []byte(out), fi.Mode().Perm()); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: %d marks made full-width\n", path, n)
	return nil
}
