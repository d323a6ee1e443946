// Package ankitest runs real Anki for tests: here, an AnkiConnect-protocol
// server (ankiconnect_server.py) over a real collection, backed by Anki's
// own library in the Python of $CARDGEN_ANKI_PYTHON.
package ankitest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// EnvPython names the Python interpreter that has the `anki` package.
const EnvPython = "CARDGEN_ANKI_PYTHON"

// installHint is the one command that provides what the tests need.
const installHint = "python3 -m venv .venv && .venv/bin/pip install anki==26.9.3, then export " + EnvPython + "=$PWD/.venv/bin/python (.ci/run does this)"

// PythonFromEnv returns the interpreter named by $CARDGEN_ANKI_PYTHON if it
// can import Anki's library, else "" and why not (with the command that installs it).
func PythonFromEnv() (string, string) {
	py := os.Getenv(EnvPython)
	if py == "" {
		return "", EnvPython + " is not set; " + installHint
	}
	if out, err := exec.Command(py, "-c", "import anki.collection").CombinedOutput(); err != nil {
		return "", fmt.Sprintf("%s cannot import anki: %v %s; %s", py, err, bytes.TrimSpace(out), installHint)
	}
	return py, ""
}

// ConnectPython returns the interpreter with Anki's library, or skips the
// test (fails it when CARDGEN_REQUIRE_TOOLS=1) when there is none.
func ConnectPython(tb testing.TB) string {
	tb.Helper()
	py, why := PythonFromEnv()
	if py != "" {
		return py
	}
	if os.Getenv("CARDGEN_REQUIRE_TOOLS") == "1" {
		tb.Fatal(why)
	}
	tb.Skip(why)
	return ""
}

// ConnectOptions configure one test server.
type ConnectOptions struct {
	// Collection is the .anki2 file; a new one in a temporary folder when empty.
	Collection string
	// Key is the API key the server requires ("" for none).
	Key string
	// Delay holds every answer back this long (a busy Anki).
	Delay time.Duration
	// ExitOn ends the server, without an answer, after it handled this action.
	ExitOn string
	// DenyPermission answers requestPermission with "denied".
	DenyPermission bool
}

// Connect is a running AnkiConnect-protocol server.
type Connect struct {
	URL        string
	Collection string
	Key        string
	cmd        *exec.Cmd
	done       chan error
}

// StartConnect starts the server on a free port of 127.0.0.1; it stops when the test ends.
func StartConnect(tb testing.TB, opts ConnectOptions) *Connect {
	tb.Helper()
	py := ConnectPython(tb)
	if opts.Collection == "" {
		opts.Collection = filepath.Join(tb.TempDir(), "collection.anki2")
	}
	c, err := Launch(py, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Stop)
	return c
}

// Launch starts the server with the Python py on a free port of 127.0.0.1;
// the caller stops it. opts.Collection must be set.
func Launch(py string, opts ConnectOptions) (*Connect, error) {
	_, file, _, _ := runtime.Caller(0)
	args := []string{filepath.Join(filepath.Dir(file), "ankiconnect_server.py"), "--collection", opts.Collection}
	if opts.Key != "" {
		args = append(args, "--key", opts.Key)
	}
	if opts.Delay > 0 {
		args = append(args, "--delay", fmt.Sprint(opts.Delay.Seconds()))
	}
	if opts.ExitOn != "" {
		args = append(args, "--exit-on", opts.ExitOn)
	}
	if opts.DenyPermission {
		args = append(args, "--deny-permission")
	}
	cmd := exec.Command(py, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &Connect{Collection: opts.Collection, Key: opts.Key, cmd: cmd, done: make(chan error, 1)}
	line, err := bufio.NewReader(out).ReadString('\n')
	if !strings.HasPrefix(line, "listening on ") {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("AnkiConnect test server did not start: %v %q %s", err, line, stderr.String())
	}
	c.URL = strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	go func() { c.done <- cmd.Wait() }()
	return c, nil
}

// Stop ends the server (if it is still running) and waits for it.
func (c *Connect) Stop() {
	select {
	case <-c.done:
		c.done <- nil
		return
	default:
	}
	c.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-c.done:
		c.done <- err
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		c.done <- <-c.done
	}
}

// Exited reports whether the server process has ended.
func (c *Connect) Exited() bool {
	select {
	case err := <-c.done:
		c.done <- err
		return true
	default:
		return false
	}
}

// Call runs an action on the server and decodes its result into out.
func (c *Connect) Call(tb testing.TB, action string, params, out any) {
	tb.Helper()
	if params == nil {
		params = map[string]any{}
	}
	req := map[string]any{"action": action, "version": 6, "params": params}
	if c.Key != "" {
		req["key"] = c.Key
	}
	body, _ := json.Marshal(req)
	resp, err := http.Post(c.URL, "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatalf("%s: %v", action, err)
	}
	defer resp.Body.Close()
	var r struct {
		Result json.RawMessage
		Error  *string
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		tb.Fatalf("%s: %v", action, err)
	}
	if r.Error != nil {
		tb.Fatalf("%s: %s", action, *r.Error)
	}
	if out != nil {
		if err := json.Unmarshal(r.Result, out); err != nil {
			tb.Fatalf("%s: %v", action, err)
		}
	}
}

// Card is a card of the collection, as cardgenTestCollection reports it.
type Card struct {
	ID   int64  `json:"id"`
	Ord  int    `json:"ord"`
	Deck string `json:"deck"`
	Reps int    `json:"reps"`
	Type int    `json:"type"`
	Ivl  int    `json:"ivl"`
}

// Note is a note of the collection, read straight from its tables.
type Note struct {
	ID     int64    `json:"id"`
	GUID   string   `json:"guid"`
	MID    int64    `json:"mid"`
	Mod    int64    `json:"mod"`
	Fields []string `json:"fields"`
	Tags   []string `json:"tags"`
	Cards  []Card   `json:"cards"`
}

// Collection is the whole collection as the test server reads it.
type Collection struct {
	Notes  []Note            `json:"notes"`
	Models map[string]string `json:"models"`
	Revlog int               `json:"revlog"`
}

// Snapshot reads the collection (a test-only action of the server).
func (c *Connect) Snapshot(tb testing.TB) *Collection {
	tb.Helper()
	var col Collection
	c.Call(tb, "cardgenTestCollection", nil, &col)
	return &col
}

// ByID returns the notes whose first field is id.
func (col *Collection) ByID(id string) []Note {
	var out []Note
	for _, n := range col.Notes {
		if len(n.Fields) > 0 && n.Fields[0] == id {
			out = append(out, n)
		}
	}
	return out
}
