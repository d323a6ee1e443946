// Package projlock serializes the commands that change one project (build,
// and any later command that writes the lock file, the output folder or a
// collection): each holds an exclusive OS lock on a file in the project's
// folder for as long as it runs. The OS drops the lock when the process
// ends, however it ends, so a killed command never leaves the project locked.
package projlock

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Name is the lock file in the project's folder (beside config.toml).
const Name = ".cardgen-project.lock"

// ErrBusy is wrapped by the error of Acquire when another process holds the lock.
var ErrBusy = errors.New("another cardgen is working on this project")

// Lock is a held project lock.
type Lock struct{ f *os.File }

// Acquire takes the lock of the project in dir for op (e.g. "build"). It
// does not wait: when another cardgen holds it, the error says which
// command and process, and what to do.
func Acquire(dir, op string) (*Lock, error) {
	path := filepath.Join(dir, Name)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		// A project folder nobody may write (a read-only checkout) cannot
		// change under a build, whose lock file and README stay as they are.
		return &Lock{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot lock the project: %w", err)
	}
	if err := lockFile(f); err != nil {
		holder := readHolder(path)
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, fmt.Errorf("%w (%s); wait until it finishes and run this command again", ErrBusy, holder)
		}
		return nil, fmt.Errorf("cannot lock the project (%s): %w", path, err)
	}
	// Who holds it, for the message another process prints; not needed for the lock itself.
	f.Truncate(0)
	f.WriteAt([]byte(op+" "+strconv.Itoa(os.Getpid())+"\n"), 0)
	return &Lock{f: f}, nil
}

// Release drops the lock.
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	unlockFile(l.f)
	l.f.Close()
	l.f = nil
}

func readHolder(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "holder unknown"
	}
	defer f.Close()
	buf := make([]byte, 64)
	n, _ := f.Read(buf)
	op, pid, ok := strings.Cut(strings.TrimSpace(string(buf[:n])), " ")
	if _, err := strconv.Atoi(pid); !ok || err != nil || strings.ContainsFunc(op, func(r rune) bool { return r < 'a' || r > 'z' }) {
		return "holder unknown"
	}
	return "'cardgen " + op + "', process " + pid
}
