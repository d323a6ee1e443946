//go:build unix

package main

import (
	"bytes"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRejectedBuilds runs `cardgen build` on a built project made hostile in
// one way each: it must exit 1 at once with a message naming the file, and
// leave every file of the previous build as it was.
func TestRejectedBuilds(t *testing.T) {
	readme := "# T\n\n" + "<!-- cardgen:questions:begin -->\n<!-- cardgen:questions:end -->\n"
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string)
		args  []string
		want  string
	}{
		{"tag naming a path", nil, []string{"build", "--tag", "../../../README"}, `would not be one file name in the output folder`},
		{"tag with a space", nil, []string{"build", "--tag", "a\u3000b"}, `--tag "a\\u3000b" cannot be a tag: it contains the space U\+3000`},
		{"script as a retired id in the lock", func(t *testing.T, dir string) {
			write(t, dir, "cardgen.lock", `{"version":1,"cards":{},"retired":{"<img src=x onerror=alert(1)>":{"type":"basic","topic":"detection","question":"q","mod":1700000000}}}`)
		}, []string{"build", "--locked"}, `cardgen.lock: not a valid lock file: retired card "<img src=x onerror=alert\(1\)>": the id is not a slug`},
		{"lock time near the int64 limit", func(t *testing.T, dir string) {
			data, _ := os.ReadFile(filepath.Join(dir, "cardgen.lock"))
			write(t, dir, "cardgen.lock", regexp.MustCompile(`"mod":\d+`).ReplaceAllString(string(data), `"mod":9223372036854775807`))
		}, []string{"build"}, `cardgen.lock: not a valid lock file: .*mod 9223372036854775807 is not a time between 1970 and 2100`},
		{"lock linked to /dev/zero", func(t *testing.T, dir string) { link(t, "/dev/zero", dir, "cardgen.lock") }, []string{"build"}, `cardgen.lock: .*not a regular file`},
		{"lock is a FIFO", func(t *testing.T, dir string) { fifo(t, dir, "cardgen.lock") }, []string{"build"}, `cardgen.lock: .*not a regular file`},
		{"topic file linked to /dev/zero", func(t *testing.T, dir string) { link(t, "/dev/zero", dir, "cards/normalization.toml") }, []string{"build"}, `^cards/normalization.toml: error: cannot read: not a regular file`},
		{"topic file is a FIFO", func(t *testing.T, dir string) { fifo(t, dir, "cards/normalization.toml") }, []string{"build"}, `^cards/normalization.toml: error: cannot read: not a regular file`},
		{"config linked to /dev/zero", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, "config.toml"), filepath.Join(dir, "real.toml"))
			link(t, "/dev/zero", dir, "config.toml")
		}, []string{"build"}, `^config.toml: error: cannot read config: not a regular file`},
		{"README is a FIFO", func(t *testing.T, dir string) { fifo(t, dir, "README.md") }, []string{"build"}, `README.md: .*not a regular file`},
		{"README linked to /dev/zero", func(t *testing.T, dir string) { link(t, "/dev/zero", dir, "README.md") }, []string{"build"}, `README.md: .*not a regular file`},
		{"README with a second begin marker", func(t *testing.T, dir string) {
			write(t, dir, "README.md", readme+"<!-- cardgen:questions:begin -->\n")
			write(t, dir, "cards/detection.toml", corpusCard+"\n[[cards]]\nid = \"new\"\nquestion = \"q2\"\n")
		}, []string{"build"}, `README.md:5: a second <!-- cardgen:questions:begin -->`},
		{"lock path is an artifact path", func(t *testing.T, dir string) {
			data, _ := os.ReadFile(filepath.Join(dir, "config.toml"))
			write(t, dir, "config.toml", strings.Replace(string(data), "[deck]\n", "[deck]\nlock = \"dist/t.plain.csv\"\n", 1))
		}, []string{"build"}, `the lock file "dist/t.plain.csv" is also the csv-plain output of target`},
		{"a folder where an artifact goes", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "dist", "t.plain.csv"))
			os.Mkdir(filepath.Join(dir, "dist", "t.plain.csv"), 0o755)
			write(t, dir, "cards/detection.toml", corpusCard+"\n[[cards]]\nid = \"new\"\nquestion = \"q2\"\n")
		}, []string{"build"}, `dist/t.plain.csv" is a folder, not a file; move it away`},
		{"diff of /dev/zero", nil, []string{"diff", "/dev/zero", "cardgen.lock"}, `/dev/zero: not a regular file`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := corpusDir(t, map[string]string{"README.md": readme, "cards/normalization.toml": "[[cards]]\nid = \"n\"\nquestion = \"q\"\n"})
			var stdout, stderr bytes.Buffer
			if code := runIn(t, dir, []string{"build"}, &stdout, &stderr); code != 0 {
				t.Fatalf("first build: %s", stderr.String())
			}
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			before := tree(t, dir)
			stderr.Reset()
			start := time.Now()
			code := runIn(t, dir, tc.args, &stdout, &stderr)
			if code != 1 {
				t.Fatalf("exit code %d, want 1\nstderr:\n%s", code, stderr.String())
			}
			if took := time.Since(start); took > 20*time.Second {
				t.Errorf("took %v", took)
			}
			if !regexp.MustCompile(`(?m)` + tc.want).MatchString(stderr.String()) {
				t.Errorf("no stderr line matches %q\nstderr:\n%s", tc.want, stderr.String())
			}
			after := tree(t, dir)
			for name, sum := range before {
				if after[name] != sum {
					t.Errorf("%s changed", name)
				}
			}
			for name := range after {
				if _, ok := before[name]; !ok {
					t.Errorf("%s appeared", name)
				}
			}
		})
	}
}

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func link(t *testing.T, target, dir, name string) {
	t.Helper()
	os.Remove(filepath.Join(dir, name))
	if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}

func fifo(t *testing.T, dir, name string) {
	t.Helper()
	os.Remove(filepath.Join(dir, name))
	if err := syscall.Mkfifo(filepath.Join(dir, name), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tree hashes every regular file under dir (links and FIFOs by their kind),
// leaving out the project lock, which only holds who last built.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == ".cardgen-project.lock" {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		if !d.Type().IsRegular() {
			out[rel] = d.Type().String()
			return nil
		}
		data, _ := os.ReadFile(path)
		out[rel] = sumOf(data)
		return nil
	})
	return out
}

func sumOf(b []byte) string {
	s := sha256.Sum256(b)
	return string(s[:])
}
