// Package faultinject lets tests make a named step of a build's commit fail,
// kill the process there, or pause it there. It is switched on only by the
// CARDGEN_TEST_FAULT variable, which tests set on the cardgen they run:
//
//	fail:POINT   the step named POINT returns an error
//	kill:POINT   the process is killed with SIGKILL at POINT (Unix)
//	pause:POINT:DIR  at POINT, create DIR/paused and wait for DIR/resume
//	list:FILE    append the name of every point passed to FILE
//
// Point names are stable across runs (a step and a file's base name, e.g.
// "rename cardgen.lock"), so a test can list them once and hit each.
package faultinject

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Variable is the environment variable that switches injection on.
const Variable = "CARDGEN_TEST_FAULT"

// ErrInjected is the error a failing point returns.
var ErrInjected = errors.New("injected failure")

var (
	once       sync.Once
	mode, arg  string
	pauseDir   string
	listMu     sync.Mutex
	listFile   *os.File
	killSelfFn = killSelf
)

func setup() {
	spec := os.Getenv(Variable)
	if spec == "" {
		return
	}
	mode, arg, _ = strings.Cut(spec, ":")
	switch mode {
	case "pause":
		if i := strings.LastIndex(arg, ":"); i >= 0 {
			arg, pauseDir = arg[:i], arg[i+1:]
		}
	case "list":
		f, err := os.OpenFile(arg, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err == nil {
			listFile = f
		}
	}
}

// At marks the point named point (e.g. "sync cv.apkg"); it returns
// ErrInjected when the test asked this point to fail, and nil otherwise.
func At(point string) error {
	once.Do(setup)
	if mode == "" {
		return nil
	}
	switch mode {
	case "list":
		listMu.Lock()
		defer listMu.Unlock()
		if listFile != nil {
			listFile.WriteString(point + "\n")
		}
		return nil
	}
	if point != arg {
		return nil
	}
	switch mode {
	case "fail":
		return ErrInjected
	case "kill":
		killSelfFn()
	case "pause":
		os.WriteFile(filepath.Join(pauseDir, "paused"), nil, 0o644)
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if _, err := os.Stat(filepath.Join(pauseDir, "resume")); err == nil {
				break
			}
		}
	}
	return nil
}

// Point names a step on a file: Point("rename", "/x/dist/a.apkg") is "rename a.apkg".
func Point(step, path string) string { return step + " " + filepath.Base(path) }
