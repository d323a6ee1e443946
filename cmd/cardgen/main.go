// Command cardgen compiles a TOML question set into flashcard decks.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/cardgen/cardgen/ankisync"
	"github.com/cardgen/cardgen/builder"
	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/deckdiff"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func main() {
	// CARDGEN_CPUPROFILE=file writes a CPU profile of the command for
	// `go tool pprof` (docs/performance.md).
	if path := os.Getenv("CARDGEN_CPUPROFILE"); path != "" {
		stop, err := startCPUProfile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "cardgen:", err)
			os.Exit(1)
		}
		code := run(os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("CARDGEN_CPUPROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("CARDGEN_CPUPROFILE: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// run executes the command line and returns the exit code: 0 ok, 1 failure.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		// Multi-line errors (a list of diagnostics) keep their lines; nothing else reaches the terminal raw.
		lines := strings.Split(err.Error(), "\n")
		for i, l := range lines {
			lines[i] = cards.Printable(l)
		}
		fmt.Fprintln(stderr, "cardgen:", strings.Join(lines, "\n"))
		return 1
	}
	return 0
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	var configPath string
	root := &cobra.Command{
		Use:           "cardgen",
		Short:         "Compile a TOML question set into Anki, CSV and Markdown decks",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&configPath, "config", "config.toml", "deck configuration file")
	cfg := func() string { return configPath }
	root.AddCommand(
		newValidate(cfg, stderr),
		newList(cfg, stdout, stderr),
		newTopics(cfg, stdout, stderr),
		newBuild(cfg, stderr),
		newDiff(stdout),
		newImport(stdout),
		newSync(cfg, stdout, stderr),
		newVersion(stdout),
	)
	return root
}

func newValidate(cfg func() string, stderr io.Writer) *cobra.Command {
	opts := builder.ValidateOptions{Stderr: stderr, Progress: isTerminal(stderr)}
	var noCache bool
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the question set and report every problem with file and line",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ConfigPath = cfg()
			if !noCache {
				opts.Cache = builder.OpenCache()
			}
			return builder.ValidateWith(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Strict, "strict", false, "treat warnings (such as empty answers) as errors")
	cacheFlag(cmd, &noCache)
	return cmd
}

// cacheFlag adds --no-cache; the build cache lives in $CARDGEN_CACHE_DIR or the user's cache folder.
func cacheFlag(cmd *cobra.Command, noCache *bool) {
	cmd.Flags().BoolVar(noCache, "no-cache", false, "decode and render every topic file, ignoring the build cache ($"+builder.EnvCacheDir+" or the user cache folder)")
}

// isTerminal reports whether w is a terminal, where a progress bar can be drawn.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func filterFlags(cmd *cobra.Command, f *cards.Filter) {
	cmd.Flags().StringSliceVar(&f.Topics, "topic", nil, "select cards of these topics (comma-separated, union)")
	cmd.Flags().StringSliceVar(&f.ExcludeTopics, "exclude-topic", nil, "drop cards of these topics")
	cmd.Flags().StringSliceVar(&f.Tags, "tag", nil, "select cards carrying any of these tags")
}

func newList(cfg func() string, stdout, stderr io.Writer) *cobra.Command {
	opts := builder.ListOptions{Stdout: stdout, Stderr: stderr}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List cards: id, topics and question (--json for tools)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ConfigPath = cfg()
			return builder.List(opts)
		},
	}
	filterFlags(cmd, &opts.Filter)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON on stdout")
	return cmd
}

func newTopics(cfg func() string, stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "topics",
		Short: "List topics with their names and card counts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return builder.Topics(cfg(), stdout, stderr)
		},
	}
}

func newBuild(cfg func() string, stderr io.Writer) *cobra.Command {
	opts := builder.Options{Stderr: stderr, Progress: isTerminal(stderr), LimitMemory: true}
	var check, noCache bool
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Build the deck's targets into the output folder",
		Long: "Build every target of config.toml (or the one named by --target, or an ad-hoc\n" +
			"selection given by --topic/--exclude-topic/--tag) in every configured format.\n" +
			"Files are named <deck-id>[-<target>].<ext>. Outputs are written completely\n" +
			"before any previous file is replaced. The lock file beside config.toml is\n" +
			"updated with the build (see docs/anki.md); --locked fails if it would change.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ConfigPath = cfg()
			if check {
				return builder.Check(opts)
			}
			epoch, err := builder.EpochFromEnv()
			if err != nil {
				return err
			}
			opts.Epoch = epoch
			if !noCache {
				opts.Cache = builder.OpenCache()
			}
			_, err = builder.Run(opts)
			return err
		},
	}
	cmd.Flags().StringVar(&opts.OutDir, "out", "", "output folder (default: [output] dir of the config)")
	cmd.Flags().StringSliceVar(&opts.Formats, "format", nil, "formats to write, comma-separated (default: [output] formats)")
	cmd.Flags().StringVar(&opts.Target, "target", "", "build only this target of the config")
	cmd.Flags().StringVar(&opts.Paper, "paper", "", "paper size of the html and pdf formats: a4 or letter (default a4)")
	cmd.Flags().BoolVar(&check, "check", false, "write nothing; fail if a generated file of the repository (README.md's question list) is out of date")
	cmd.Flags().BoolVar(&opts.Locked, "locked", false, "fail, writing nothing, if the lock file is out of date (for CI)")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "print errors only")
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "also print how long each stage took")
	cacheFlag(cmd, &noCache)
	filterFlags(cmd, &opts.Filter)
	return cmd
}

func newDiff(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Print what changed between two builds as a Markdown changelog",
		Long: "Compare two builds of the deck, each an .apkg or a lock file (for example the\n" +
			"previous release's cardgen.lock and the current one), and print the cards\n" +
			"added, changed, retired and moved between topics as Markdown on stdout.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return deckdiff.Run(args[0], args[1], stdout)
		},
	}
}

func newVersion(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print cardgen's module version and VCS revision",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, args []string) {
			fmt.Fprintln(stdout, "cardgen", builder.Version())
		},
	}
}

func newSync(cfg func() string, stdout, stderr io.Writer) *cobra.Command {
	opts := ankisync.Options{Stdout: stdout, Stderr: stderr}
	var noCache bool
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Bring a running Anki in line with the deck, over AnkiConnect",
		Long: "Build the deck (the full deck, or --target/--topic/--tag) as `cardgen build`\n" +
			"would and bring a running Anki in line with it through the AnkiConnect add-on\n" +
			"(code " + ankisync.AddonCode + "): new and changed notes through Anki's own importer, retired\n" +
			"notes marked and moved to the retired deck, or deleted with --prune. Review\n" +
			"history is kept. --dry-run prints what would change and changes nothing.\n" +
			"See README.md, \"Sync into Anki\", and docs/anki.md.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ConfigPath = cfg()
			if opts.Key == "" {
				opts.Key = os.Getenv(ankisync.EnvKey)
			}
			epoch, err := builder.EpochFromEnv()
			if err != nil {
				return err
			}
			opts.Epoch = epoch
			if !noCache {
				opts.Cache = builder.OpenCache()
			}
			if isTerminal(os.Stdin) && isTerminal(stderr) {
				opts.Confirm = func(q string) (bool, error) { return confirm(os.Stdin, stderr, q) }
			}
			_, err = ankisync.Run(cmd.Context(), opts)
			return err
		},
	}
	cmd.Flags().StringVar(&opts.Target, "target", "", "sync this target of the config (default: the full deck)")
	cmd.Flags().StringVar(&opts.URL, "url", ankisync.DefaultURL, "AnkiConnect's address (another machine: see README)")
	cmd.Flags().StringVar(&opts.Key, "key", "", "AnkiConnect's API key, if its config sets one (default $"+ankisync.EnvKey+")")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 2*time.Minute, "give up on an AnkiConnect request after this long")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "print what would change in Anki and change nothing")
	cmd.Flags().BoolVar(&opts.Prune, "prune", false, "delete the deck's retired notes from Anki (only those cardgen made)")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask before --prune deletes notes")
	cmd.Flags().BoolVar(&opts.AnkiWeb, "ankiweb", false, "afterwards, sync Anki with AnkiWeb")
	cmd.Flags().StringSliceVar(&opts.Filter.Topics, "topic", nil, "sync cards of these topics (comma-separated, union)")
	cmd.Flags().StringSliceVar(&opts.Filter.ExcludeTopics, "exclude-topic", nil, "leave out cards of these topics")
	cmd.Flags().StringSliceVar(&opts.Filter.Tags, "tag", nil, "sync cards carrying any of these tags")
	cacheFlag(cmd, &noCache)
	return cmd
}

// confirm asks q on w and reads a yes or no from r; anything but y/yes is no.
func confirm(r io.Reader, w io.Writer, q string) (bool, error) {
	fmt.Fprintf(w, "%s [y/N] ", q)
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes", nil
}
