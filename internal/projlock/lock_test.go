package projlock

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestSecondHolderIsRefused(t *testing.T) {
	dir := t.TempDir()
	l, err := Acquire(dir, "build")
	if err != nil {
		t.Fatal(err)
	}
	// A second open file description is refused, as another process would be.
	_, err = Acquire(dir, "build")
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "'cardgen build', process ") {
		t.Fatalf("second Acquire: %v, want ErrBusy naming the holder", err)
	}
	l.Release()
	l2, err := Acquire(dir, "build")
	if err != nil {
		t.Fatalf("after Release: %v", err)
	}
	l2.Release()
}

// TestHeldAcrossProcesses holds the lock in a child process (flock(1)) and checks Acquire is refused.
func TestHeldAcrossProcesses(t *testing.T) {
	flock, err := exec.LookPath("flock")
	if err != nil {
		t.Skip("flock(1) not found: apt-get install util-linux")
	}
	dir := t.TempDir()
	path := dir + "/" + Name
	cmd := exec.Command(flock, "-x", path, "sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	for i := 0; ; i++ {
		var l *Lock
		l, err = Acquire(dir, "build")
		l.Release()
		if err != nil || i > 1000 {
			break
		}
		// flock(1) has not taken it yet.
		exec.Command("sleep", "0.01").Run()
	}
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("Acquire while flock(1) holds it: %v", err)
	}
	os.WriteFile(path, []byte("sync 42\n"), 0o644)
	if _, err = Acquire(dir, "build"); !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "'cardgen sync', process 42") {
		t.Fatalf("Acquire while flock(1) holds it: %v", err)
	}
}
