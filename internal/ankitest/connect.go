package ankitest

// This file runs ankiconnect_server.py: an AnkiConnect-protocol server over a
// real collection, backed by Anki's own library, for `cardgen sync` tests.

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

// LookPython returns the interpreter with Anki's library (as Python
// finds it), or "" and why not, with the command that installs it.
func LookPython() (string, string) {
	py, _, err := findPython()
	if err != nil {
		return "", "real Anki is not available: " + err.Error() + "; install it with: " + InstallHint
	}
	return py, ""
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
	// Remote plays an Anki on another machine: files of this one cannot be read by path.
	Remote bool
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
	py, _ := Python(tb)
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
	if opts.Remote {
		args = append(args, "--remote")
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

// ConnectCard is a card of the collection, as cardgenTestCollection reports it.
type ConnectCard struct {
	ID   int64  `json:"id"`
	Ord  int    `json:"ord"`
	Deck string `json:"deck"`
	Reps int    `json:"reps"`
	Type int    `json:"type"`
	Ivl  int    `json:"ivl"`
}

// ConnectNote is a note of the collection, read straight from its tables.
type ConnectNote struct {
	ID     int64         `json:"id"`
	GUID   string        `json:"guid"`
	MID    int64         `json:"mid"`
	Mod    int64         `json:"mod"`
	Fields []string      `json:"fields"`
	Tags   []string      `json:"tags"`
	Cards  []ConnectCard `json:"cards"`
}

// ConnectCollection is the whole collection as the test server reads it.
type ConnectCollection struct {
	Notes  []ConnectNote     `json:"notes"`
	Models map[string]string `json:"models"`
	// NoteTypeMods are the note types' modification times, by id.
	NoteTypeMods map[string]int64 `json:"noteTypeMods"`
	Revlog       int              `json:"revlog"`
}

// Snapshot reads the collection (a test-only action of the server).
func (c *Connect) Snapshot(tb testing.TB) *ConnectCollection {
	tb.Helper()
	var col ConnectCollection
	c.Call(tb, "cardgenTestCollection", nil, &col)
	return &col
}

// ByID returns the notes whose first field is id.
func (col *ConnectCollection) ByID(id string) []ConnectNote {
	var out []ConnectNote
	for _, n := range col.Notes {
		if len(n.Fields) > 0 && n.Fields[0] == id {
			out = append(out, n)
		}
	}
	return out
}
