package pdf

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cardgen/cardgen/exporters"
)

func TestFindBrowser(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "chrome")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	onPath := func(found map[string]string) func(string) (string, error) {
		return func(name string) (string, error) {
			if p, ok := found[name]; ok {
				return p, nil
			}
			return "", errors.New("not found")
		}
	}
	none := onPath(nil)
	names := []string{"chromium", "google-chrome"}

	tests := []struct {
		name     string
		env      string
		lookPath func(string) (string, error)
		paths    []string
		want     string
		wantErr  string
	}{
		{"variable wins", exe, onPath(map[string]string{"chromium": "/usr/bin/chromium"}), nil, exe, ""},
		{"variable names no file", filepath.Join(dir, "missing"), none, []string{exe}, "",
			"pdf: CARDGEN_CHROME=" + filepath.Join(dir, "missing") + " is not an executable file; point it at Chrome or Chromium"},
		{"variable names a plain file", plain, none, nil, "", "pdf: CARDGEN_CHROME=" + plain + " is not an executable file; point it at Chrome or Chromium"},
		{"first name on PATH", "", onPath(map[string]string{"google-chrome": "/opt/gc", "chromium": "/usr/bin/chromium"}), nil, "/usr/bin/chromium", ""},
		{"usual place", "", none, []string{filepath.Join(dir, "absent"), plain, exe}, exe, ""},
		{"none", "", none, []string{filepath.Join(dir, "absent")}, "",
			"pdf: no Chrome or Chromium found; install chromium (Debian: apt-get install chromium) or set CARDGEN_CHROME=/path"},
	}
	for _, tt := range tests {
		got, err := findBrowser(tt.env, tt.lookPath, names, tt.paths)
		if tt.wantErr != "" {
			var ue *exporters.UnavailableError
			if !errors.As(err, &ue) || err.Error() != tt.wantErr {
				t.Errorf("%s: err = %v, want UnavailableError %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestMajor(t *testing.T) {
	for product, want := range map[string]int{
		"HeadlessChrome/131.0.6778.85":  131,
		"Chrome/99.0.4844.51":           99,
		"HeadlessChrome/156.0.8078.108": 156,
		"":                              0,
	} {
		if got := major(product); got != want {
			t.Errorf("major(%q) = %d, want %d", product, got, want)
		}
	}
}
