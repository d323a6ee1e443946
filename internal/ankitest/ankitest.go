// Package ankitest runs Anki's own core library (PyPI `anki`, the version
// pinned in requirements.txt) from Go tests: a collection is a long-lived
// Python process (anki_driver.py) that takes one JSON request per line, so a
// test can import, review and import again without reopening. The driver only
// reports facts; tests decide what is right.
//
// The interpreter is $CARDGEN_ANKI_PYTHON, else the repository's .venv that
// .ci/run creates. Without either, tests skip, or fail when
// CARDGEN_REQUIRE_TOOLS=1.
package ankitest

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

//go:embed anki_driver.py
var driverSource []byte

// InstallHint is the command that installs what these tests need.
const InstallHint = "python3 -m venv .venv && .venv/bin/pip install -r internal/ankitest/requirements.txt " +
	"&& export CARDGEN_ANKI_PYTHON=$PWD/.venv/bin/python"

// callTimeout bounds one request; a whole-deck import takes well under a second.
const callTimeout = 2 * time.Minute

var probe struct {
	once    sync.Once
	python  string
	version string
	err     error
}

// Python returns the interpreter that has Anki, and Anki's version. It skips
// the test when there is none, or fails it when CARDGEN_REQUIRE_TOOLS=1.
func Python(tb testing.TB) (python, version string) {
	tb.Helper()
	probe.once.Do(func() {
		probe.python, probe.version, probe.err = findPython()
	})
	if probe.err != nil {
		msg := "real Anki is not available: " + probe.err.Error() + "; install it with: " + InstallHint
		if os.Getenv("CARDGEN_REQUIRE_TOOLS") == "1" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return probe.python, probe.version
}

func findPython() (string, string, error) {
	python := os.Getenv("CARDGEN_ANKI_PYTHON")
	if python == "" {
		// The venv .ci/run makes, at the root of this repository.
		if _, file, _, ok := runtime.Caller(0); ok {
			venv := filepath.Join(filepath.Dir(file), "..", "..", ".venv", "bin", "python")
			if _, err := os.Stat(venv); err == nil {
				python = venv
			}
		}
	}
	if python == "" {
		return "", "", errors.New("CARDGEN_ANKI_PYTHON is not set")
	}
	out, err := exec.Command(python, "-c", "import anki.collection; from anki.buildinfo import version; print(version)").CombinedOutput()
	if err != nil {
		return "", "", fmt.Errorf("%s cannot import anki: %v: %s", python, err, bytes.TrimSpace(out))
	}
	return python, strings.TrimSpace(string(out)), nil
}

// Error is a request Anki refused, with Anki's own message.
type Error struct {
	Cmd     string // the driver command
	Kind    string // the Python exception's class
	Message string // Anki's message
}

func (e *Error) Error() string {
	return fmt.Sprintf("anki %s: %s: %s", e.Cmd, e.Kind, e.Message)
}

// Collection is one Anki collection held open by one driver process.
type Collection struct {
	Path    string // collection.anki2
	Version string // Anki's version, e.g. 26.09.3

	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr *lockedBuffer
	closed bool
}

// Open starts a driver on a new, empty collection in a temporary folder;
// the driver is stopped when the test ends.
func Open(tb testing.TB) *Collection {
	tb.Helper()
	return OpenAt(tb, filepath.Join(tb.TempDir(), "collection.anki2"))
}

// OpenAt starts a driver on the collection at path, creating it if needed.
func OpenAt(tb testing.TB, path string) *Collection {
	tb.Helper()
	python, version := Python(tb)
	script := filepath.Join(tb.TempDir(), "anki_driver.py")
	if err := os.WriteFile(script, driverSource, 0o644); err != nil {
		tb.Fatal(err)
	}
	c, err := start(python, script, path)
	if err != nil {
		tb.Fatalf("starting Anki %s on %s: %v", version, path, err)
	}
	tb.Cleanup(func() {
		if err := c.Close(); err != nil {
			tb.Errorf("closing Anki collection %s: %v", path, err)
		}
	})
	return c
}

func start(python, script, path string) (*Collection, error) {
	cmd := exec.Command(python, script, path)
	cmd.Env = append(os.Environ(), "PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c := &Collection{Path: path, cmd: cmd, stdin: stdin, stdout: bufio.NewReaderSize(stdout, 1<<20), stderr: &lockedBuffer{}}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var hello struct {
		Version string `json:"version"`
	}
	if err := c.read("open", &hello); err != nil {
		c.kill()
		return nil, err
	}
	c.Version = hello.Version
	return c, nil
}

// Close closes the collection and waits for the driver to exit.
func (c *Collection) Close() error {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return nil
	}
	err := c.call("close", nil, nil)
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case werr := <-done:
		if err == nil && werr != nil {
			err = fmt.Errorf("driver exited: %v: %s", werr, c.stderr.String())
		}
	case <-time.After(30 * time.Second):
		c.kill()
		err = errors.New("driver did not exit after close")
	}
	return err
}

func (c *Collection) kill() {
	if c.cmd.Process != nil {
		c.cmd.Process.Kill()
	}
}

// call sends one request and decodes its result into out (if not nil).
func (c *Collection) call(name string, args map[string]any, out any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return &Error{Cmd: name, Kind: "Closed", Message: "the collection is closed"}
	}
	req := map[string]any{"cmd": name}
	for k, v := range args {
		req[k] = v
	}
	line, err := json.Marshal(req)
	if err != nil {
		return err
	}
	if _, err := c.stdin.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("anki %s: driver gone: %v: %s", name, err, c.stderr.String())
	}
	return c.read(name, out)
}

func (c *Collection) read(name string, out any) error {
	type reply struct {
		line []byte
		err  error
	}
	ch := make(chan reply, 1)
	go func() {
		line, err := c.stdout.ReadBytes('\n')
		ch <- reply{line, err}
	}()
	var r reply
	select {
	case r = <-ch:
	case <-time.After(callTimeout):
		c.kill()
		return fmt.Errorf("anki %s: no answer after %v: %s", name, callTimeout, c.stderr.String())
	}
	if r.err != nil {
		return fmt.Errorf("anki %s: driver gone: %v: %s", name, r.err, c.stderr.String())
	}
	var resp struct {
		OK     bool            `json:"ok"`
		Result json.RawMessage `json:"result"`
		Error  string          `json:"error"`
		Kind   string          `json:"kind"`
	}
	if err := json.Unmarshal(r.line, &resp); err != nil {
		return fmt.Errorf("anki %s: bad reply %q: %v", name, r.line, err)
	}
	if !resp.OK {
		return &Error{Cmd: name, Kind: resp.Kind, Message: resp.Error}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Result, out); err != nil {
		return fmt.Errorf("anki %s: decoding %s: %v", name, resp.Result, err)
	}
	return nil
}

// lockedBuffer collects the driver's stderr for error messages.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 {
		b.buf.Reset()
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	if len(s) > 4000 {
		s = "…" + s[len(s)-4000:]
	}
	return s
}
