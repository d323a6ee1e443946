//go:build unix

package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.toml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Skip(err)
	}
	fifo := filepath.Join(dir, "fifo.toml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	os.WriteFile(big, make([]byte, 101), 0o644)
	ok := filepath.Join(dir, "ok")
	os.WriteFile(ok, []byte("hello"), 0o644)
	for _, c := range []struct {
		path string
		want error
	}{{zero, ErrNotRegular}, {fifo, ErrNotRegular}, {dir, ErrNotRegular}, {big, ErrTooLarge}} {
		if _, err := ReadFile(c.path, 100); !errors.Is(err, c.want) {
			t.Errorf("ReadFile(%s) = %v, want %v", c.path, err, c.want)
		}
	}
	if data, err := ReadFile(ok, 5); err != nil || string(data) != "hello" {
		t.Errorf("ReadFile(ok) = %q, %v", data, err)
	}
}
