package builder

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/internal/par"
)

// exportJob is one artifact to write: one format of one target.
type exportJob struct {
	e      exporters.Exporter
	format string
	in     *exporters.Input
	target cards.Target
	sub    *cards.Deck
	final  string

	// Results, set by runExports.
	tmp      string // the complete file, to be renamed to final
	sum      string // hex SHA-256 of tmp
	err      error
	warnings []string
	took     time.Duration
}

// runExports writes every job's temporary file, jobs side by side on every
// core: formats are independent and each reads the shared, finished Input.
// Printable formats each drive a browser, so they take turns on one lane.
func runExports(outDir string, jobs []*exportJob, done func(j *exportJob)) {
	var parallel, browser []*exportJob
	for _, j := range jobs {
		if strings.HasPrefix(j.format, "pdf") {
			browser = append(browser, j)
		} else {
			parallel = append(parallel, j)
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, j := range browser {
			j.run(outDir)
			done(j)
		}
	}()
	par.Do(len(parallel), func(i int) {
		parallel[i].run(outDir)
		done(parallel[i])
	})
	wg.Wait()
}

func (j *exportJob) run(outDir string) {
	start := time.Now()
	defer func() { j.took = time.Since(start) }()
	if c, ok := j.e.(nameChecker); ok {
		if j.err = c.CheckOutputName(j.final); j.err != nil {
			return
		}
	}
	// Warnings are kept and told in plan order once every job is done.
	in := *j.in
	var mu sync.Mutex
	in.Warn = func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		j.warnings = append(j.warnings, fmt.Sprintf(format, args...))
	}
	tmp, sum, err := writeTempSum(j.final, func(w io.Writer) error { return j.e.Export(exportWriter(w, j.format), &in) })
	if err != nil {
		j.err = fmt.Errorf("%s: %w", j.final, err)
		return
	}
	j.tmp, j.sum = tmp, sum
}
