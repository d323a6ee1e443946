package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/cardgen/cardgen/ankiimport"
	"github.com/cardgen/cardgen/builder"
)

func newImport(stdout io.Writer) *cobra.Command {
	opts := ankiimport.Options{Stdout: stdout}
	cmd := &cobra.Command{
		Use:   "import FILE [NEWDIR]",
		Short: "Turn an Anki package (.apkg, .colpkg) into a question set, keeping every note's identity",
		Long: "Read an Anki package in any format Anki writes (collection.anki2, .anki21,\n" +
			".anki21b) and write a new project in NEWDIR (default: a folder named after\n" +
			"the deck), or add its notes to an existing project with --into. Subdecks\n" +
			"become topics, note types of the deck's own become declared note types, and\n" +
			"every note keeps its GUID and modification time, so the first build changes\n" +
			"nothing in Anki and later edits update the learners' notes in place. Every\n" +
			"problem is reported at once; a failed import writes nothing. See README.md,\n" +
			"\"Bring an existing deck\", and docs/import.md.",
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if len(args) == 2 {
				opts.Dir = args[1]
			}
			opts.SeedLock = builder.SeedLock
			_, err := ankiimport.Run(opts)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Deck, "deck", "", "import only this deck and its subdecks (full name, e.g. \"Japanese::Vocab\")")
	f.StringVar(&opts.Into, "into", "", "add the notes to this existing project (its config.toml or folder)")
	f.StringVar(&opts.Namespace, "namespace", "", "namespace of the new project (default: the one cardgen built the package with, else the deck's name)")
	f.StringArrayVar(&opts.Maps, "map", nil, "fold a note type into a built-in type: NOTETYPE=question:FIELD,answer:FIELD,extra:FIELD,source:FIELD (repeatable)")
	f.BoolVar(&opts.DryRun, "dry-run", false, "print the topics, cards per note type and warnings; write nothing")
	return cmd
}
