package cards

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// checkText rejects input that is not text before the TOML decoder sees it,
// so the message says what is wrong instead of a confusing parse error.
func checkText(data []byte) (msg string, line int) {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return "file contains a NUL byte; is it a binary file? Save it as UTF-8 text", 1 + bytes.Count(data[:i], []byte("\n"))
	}
	if !utf8.Valid(data) {
		for i := 0; i < len(data); {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 {
				return "file is not valid UTF-8; re-save it with UTF-8 encoding", 1 + bytes.Count(data[:i], []byte("\n"))
			}
			i += n
		}
	}
	return "", 0
}

// tomlDiagnostic turns a decoder error into a file:line:col diagnostic.
func tomlDiagnostic(file string, err error) Diagnostic {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if pe.LastKey != "" && !strings.Contains(msg, pe.LastKey) {
			msg = fmt.Sprintf("%s (at key '%s')", msg, pe.LastKey)
		}
		return Diagnostic{File: file, Line: pe.Position.Line, Col: pe.Position.Col, Severity: Error,
			Message: "TOML: " + msg}
	}
	if m := typeErrRE.FindStringSubmatch(err.Error()); m != nil {
		line := 0
		fmt.Sscan(m[1], &line)
		key := m[2][strings.LastIndex(m[2], ".")+1:]
		return Diagnostic{File: file, Line: line, Severity: Error,
			Message: fmt.Sprintf("TOML: '%s' has the wrong type: %s", key, humanTypes.Replace(m[3]))}
	}
	return Diagnostic{File: file, Severity: Error, Message: "TOML: " + err.Error()}
}

// typeErrRE matches the decoder's type errors, which carry a line but are not ParseErrors.
var typeErrRE = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

var humanTypes = strings.NewReplacer(
	"incompatible types: ", "",
	"TOML value has type int64", "found a number",
	"TOML value has type float64", "found a number",
	"TOML value has type bool", "found a boolean",
	"TOML value has type string", "found a string",
	"TOML value has type []any", "found an array",
	"TOML value has type map[string]any", "found a table",
	"destination has type string", "expected a string",
	"destination has type slice", "expected an array of strings",
	"type mismatch for cards.cardDoc: expected table but found string", "expected [[cards]] tables, found a string",
)

// tomlIndex locates table headers and key assignments by line. The TOML
// decoder does not report where keys are, and every diagnostic must name a line.
type tomlIndex struct {
	headers []tomlHeader
	keys    []tomlKey
	// elems has, for each array table, the keys[lo:hi] range of each element,
	// so a card's keys are found without scanning the whole file.
	elems map[string][][2]int
}

type tomlHeader struct {
	name  string // "cards" for [[cards]]
	array bool
	line  int
}

type tomlKey struct {
	table string // enclosing table name, "" at top level
	index int    // which element of an array table (0-based), -1 otherwise
	name  string
	line  int
}

var (
	headerRE = regexp.MustCompile(`^\s*(\[\[?)\s*([A-Za-z0-9_."' -]+?)\s*\]\]?\s*(#.*)?$`)
	keyRE    = regexp.MustCompile(`^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*(?:\.[^=]*)?=\s*(.*)$`)
)

// isSpace is regexp's \s.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

func isBareKey(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// scanTOML indexes data in one pass. It gives the same result as matching
// headerRE and keyRE on every line, but runs the regexps only on the few
// lines the plain checks below cannot settle.
func scanTOML(data []byte) *tomlIndex {
	idx := &tomlIndex{elems: map[string][][2]int{}}
	table, index := "", -1
	closer := "" // set while inside a multi-line string
	endElem := func() {
		if index >= 0 {
			idx.elems[table][index][1] = len(idx.keys)
		}
	}
	for n := 1; len(data) > 0; n++ {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if closer != "" {
			if bytes.Contains(line, []byte(closer)) {
				closer = ""
			}
			continue
		}
		start := 0
		for start < len(line) && isSpace(line[start]) {
			start++
		}
		if start == len(line) {
			continue
		}
		switch c := line[start]; {
		case c == '[':
			name, array, ok := matchHeader(line)
			if !ok {
				continue
			}
			endElem()
			idx.headers = append(idx.headers, tomlHeader{name: name, array: array, line: n})
			table, index = name, -1
			if array {
				index = len(idx.elems[name])
				idx.elems[name] = append(idx.elems[name], [2]int{len(idx.keys), len(idx.keys)})
			}
		case c == '"' || c == '\'' || isBareKey(c):
			name, val, ok := matchKey(line, start)
			if !ok {
				continue
			}
			idx.keys = append(idx.keys, tomlKey{table: table, index: index, name: name, line: n})
			for _, q := range []string{`"""`, `'''`} {
				if bytes.HasPrefix(val, []byte(q)) && !bytes.Contains(val[3:], []byte(q)) {
					closer = q
				}
			}
		}
	}
	endElem()
	return idx
}

// matchHeader matches headerRE; the usual [[cards]] needs no regexp.
func matchHeader(line []byte) (name string, array, ok bool) {
	if string(line) == "[[cards]]" {
		return "cards", true, true
	}
	m := headerRE.FindSubmatch(line)
	if m == nil {
		return "", false, false
	}
	return strings.Trim(string(m[2]), `"' `), string(m[1]) == "[[", true
}

// matchKey matches keyRE on a line whose first non-space byte is at start,
// returning the key without quotes and the value trimmed as strings.TrimSpace does.
func matchKey(line []byte, start int) (name string, val []byte, ok bool) {
	i := start
	for i < len(line) && isBareKey(line[i]) {
		i++
	}
	if i > start {
		// A bare key then spaces then '=' is the common case; a dotted key goes to the regexp.
		j := i
		for j < len(line) && isSpace(line[j]) {
			j++
		}
		switch {
		case j < len(line) && line[j] == '=':
			j++
			for j < len(line) && isSpace(line[j]) {
				j++
			}
			return string(line[start:i]), bytes.TrimSpace(line[j:]), true
		case j == len(line) || line[j] != '.':
			return "", nil, false
		}
	}
	m := keyRE.FindSubmatch(line)
	if m == nil {
		return "", nil, false
	}
	return strings.Trim(string(m[1]), `"'`), bytes.TrimSpace(m[2]), true
}

// headerLines returns the lines of every [[name]] header, in order.
func (x *tomlIndex) headerLines(name string) []int {
	var out []int
	for _, h := range x.headers {
		if h.array && h.name == name {
			out = append(out, h.line)
		}
	}
	return out
}

// firstKeyLine returns the line of the first assignment of key in table (or of the table header when key names a table).
func (x *tomlIndex) firstKeyLine(table, key string) int {
	for _, k := range x.keys {
		if k.table == table && k.name == key {
			return k.line
		}
	}
	for _, h := range x.headers {
		if h.name == key || (table != "" && h.name == table+"."+key) {
			return h.line
		}
	}
	return 0
}

// elementKeys returns the line of every key of element index of an array table.
func (x *tomlIndex) elementKeys(table string, index int) map[string]int {
	out := map[string]int{}
	keys := x.keys
	if index >= 0 {
		if index >= len(x.elems[table]) {
			return out
		}
		r := x.elems[table][index]
		keys = keys[r[0]:r[1]]
	}
	for _, k := range keys {
		if k.table != table || k.index != index {
			continue
		}
		if _, seen := out[k.name]; !seen {
			out[k.name] = k.line
		}
	}
	return out
}

// keyLines returns every line where key is assigned inside table (any element).
func (x *tomlIndex) keyLines(table, key string) []int {
	var out []int
	for _, k := range x.keys {
		if k.table == table && k.name == key {
			out = append(out, k.line)
		}
	}
	return out
}

// suggest returns the allowed word closest to s when it is plausibly a typo.
func suggest(s string, allowed []string) string {
	best, bestD := "", 1<<30
	for _, a := range allowed {
		d := editDistance(strings.ToLower(s), a)
		if d < bestD {
			best, bestD = a, d
		}
	}
	limit := 2
	if len(s) <= 3 {
		limit = 1
	}
	if bestD <= limit || (best != "" && (strings.HasPrefix(best, s) || strings.HasPrefix(s, best))) {
		return best
	}
	return ""
}

func didYouMean(s string, allowed []string) string {
	if m := suggest(s, allowed); m != "" {
		return fmt.Sprintf("; did you mean '%s'?", m)
	}
	if len(allowed) > 0 {
		return fmt.Sprintf("; known: %s", joinQuoted(allowed))
	}
	return ""
}

func joinQuoted(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = "'" + s + "'"
	}
	return strings.Join(q, ", ")
}

// editDistance is the Damerau-Levenshtein (optimal string alignment) distance, so swapped letters count once.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
