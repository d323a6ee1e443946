package cards

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Severity says whether a diagnostic fails validation.
type Severity int

const (
	// Error always fails validation.
	Error Severity = iota
	// Warning fails validation only in strict mode.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem found in the input, located in a file a human can open.
type Diagnostic struct {
	File     string // path as given to the loader, e.g. cards/detection.toml
	Line     int    // 1-based; 0 when unknown
	Col      int    // 1-based; 0 when unknown
	Severity Severity
	Message  string
}

func (d Diagnostic) String() string {
	var loc strings.Builder
	loc.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&loc, ":%d", d.Line)
		if d.Col > 0 {
			fmt.Fprintf(&loc, ":%d", d.Col)
		}
	}
	return Printable(fmt.Sprintf("%s: %s: %s", loc.String(), d.Severity, d.Message))
}

// Printable makes a message safe for a terminal: control characters
// (escape sequences, carriage returns, line breaks inside a line) and
// bidirectional overrides, which ids and file names from the input may
// hold, are shown as Go escapes (\x1b) instead of acting on the terminal.
func Printable(s string) string {
	if !strings.ContainsFunc(s, unprintable) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unprintable(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func unprintable(r rune) bool {
	return r != '\t' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029')
}

// Diagnostics is every problem found in one load, reported together.
type Diagnostics []Diagnostic

func (ds *Diagnostics) errorf(file string, line int, format string, args ...any) {
	*ds = append(*ds, Diagnostic{File: file, Line: line, Severity: Error, Message: fmt.Sprintf(format, args...)})
}

func (ds *Diagnostics) warnf(file string, line int, format string, args ...any) {
	*ds = append(*ds, Diagnostic{File: file, Line: line, Severity: Warning, Message: fmt.Sprintf(format, args...)})
}

// Sort orders diagnostics by file, line and column so output is stable.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Count returns the number of errors and warnings.
func (ds Diagnostics) Count() (errs, warns int) {
	for _, d := range ds {
		if d.Severity == Error {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

// Failed reports whether the diagnostics fail validation; strict makes warnings fatal.
func (ds Diagnostics) Failed(strict bool) bool {
	errs, warns := ds.Count()
	return errs > 0 || (strict && warns > 0)
}

// Err returns an error listing every error (and, when strict, every warning), or nil.
func (ds Diagnostics) Err(strict bool) error {
	if !ds.Failed(strict) {
		return nil
	}
	var lines []string
	for _, d := range ds {
		if d.Severity == Error || strict {
			lines = append(lines, d.String())
		}
	}
	return &ValidationError{Lines: lines}
}

// ValidationError carries every diagnostic line of a failed load.
type ValidationError struct {
	Lines []string
}

func (e *ValidationError) Error() string {
	return strings.Join(e.Lines, "\n")
}

// IsValidation reports whether err is a validation failure (exit code 1, already explained).
func IsValidation(err error) bool {
	var ve *ValidationError
	return errors.As(err, &ve)
}
