package builder

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const failConfig = `[deck]
id = "fail"
namespace = "fail"
name = "失败测试"

[output]
formats = ["apkg", "csv", "csv-plain", "md", "html"]

[[topics]]
id = "detection"
name = "检测"

[[targets]]
name = "all"

[[targets]]
name = "detection"
topics = ["detection"]
`

func failCards(answer string) string {
	var b strings.Builder
	for _, id := range []string{"a", "b", "c"} {
		b.WriteString("[[cards]]\nid = \"" + id + "\"\nquestion = \"问题 " + id + " $x^2$?\"\nanswer = '''\n" +
			answer + strings.Repeat(" 填充文本 padding", 200) + "\n\n```python\nprint(1)\n```\n'''\n\n")
	}
	return b.String()
}

func writeFailDeck(t *testing.T, answer string) (configPath string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "cards"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(failConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	setAnswer(t, dir, answer)
	return filepath.Join(dir, "config.toml")
}

func setAnswer(t *testing.T, dir, answer string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "cards", "detection.toml"), []byte(failCards(answer)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapshot reads every file of the given folders, by path.
func snapshot(t *testing.T, dirs ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			out[filepath.Join(filepath.Base(dir), e.Name())] = string(b)
		}
	}
	return out
}

var errInjected = errors.New("injected write failure")

// failingWriter passes the first n bytes through and then fails, like a disk filling up mid-file.
type failingWriter struct {
	w io.Writer
	n int
}

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k, _ := f.w.Write(p[:f.n])
		f.n = 0
		return k, errInjected
	}
	f.n -= len(p)
	return f.w.Write(p)
}

// TestFailedBuildLeavesPreviousArtifacts breaks each exporter halfway through
// its output and checks that the output folder and the lock file are exactly
// as the last good build left them, with no temporary file anywhere.
func TestFailedBuildLeavesPreviousArtifacts(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	cfg := writeFailDeck(t, "第一版答案")
	dir := filepath.Dir(cfg)
	out := filepath.Join(dir, "dist")
	opts := Options{ConfigPath: cfg, OutDir: out, Epoch: time.Unix(1_800_000_000, 0)}
	res, err := Run(opts)
	if err != nil {
		t.Fatalf("good build: %v", err)
	}
	formats := map[string]int64{}
	for _, a := range res.Artifacts {
		fi, err := os.Stat(a.Path)
		if err != nil {
			t.Fatal(err)
		}
		formats[a.Format] = fi.Size()
	}
	if len(formats) < 5 {
		t.Fatalf("expected five formats built, got %v", formats)
	}
	before := snapshot(t, dir, out)

	// The next build has a changed card, so it would rewrite every artifact and the lock.
	setAnswer(t, dir, "第二版答案")
	for format, size := range formats {
		t.Run(format, func(t *testing.T) {
			defer func(orig func(io.Writer, string) io.Writer) { exportWriter = orig }(exportWriter)
			exportWriter = func(w io.Writer, f string) io.Writer {
				if f == format {
					return &failingWriter{w: w, n: int(size / 2)}
				}
				return w
			}
			_, err := Run(opts)
			if !errors.Is(err, errInjected) {
				t.Fatalf("build error = %v, want the injected failure", err)
			}
			if diff := cmp.Diff(before, snapshot(t, dir, out)); diff != "" {
				t.Errorf("a failed build changed files (-before +after):\n%.2000s", diff)
			}
			if left, _ := filepath.Glob(filepath.Join(os.Getenv("TMPDIR"), "*")); len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}

	// With the failure gone, the same build goes through and replaces everything.
	if _, err := Run(opts); err != nil {
		t.Fatalf("build after failures: %v", err)
	}
	after := snapshot(t, dir, out)
	for name := range before {
		if strings.HasPrefix(name, "dist") && after[name] == before[name] && !strings.HasSuffix(name, ".plain.csv") {
			t.Errorf("%s did not change after the card changed", name)
		}
	}
}

func TestOutDirErrors(t *testing.T) {
	cfg := writeFailDeck(t, "答案")
	dir := filepath.Dir(cfg)
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, out, want string
	}{
		{"out is a file", file, "output folder " + file + " is a file; pass --out DIR naming a folder"},
		// /proc refuses new files even to root, so this holds on CI too.
		{"read-only folder", "/proc", "cannot write to output folder /proc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.out == "/proc" {
				if fi, err := os.Stat("/proc"); err != nil || !fi.IsDir() {
					t.Skip("no /proc on this system")
				}
			}
			lockBefore, _ := os.ReadFile(filepath.Join(dir, "cardgen.lock"))
			_, err := Run(Options{ConfigPath: cfg, OutDir: tt.out})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
			lockAfter, _ := os.ReadFile(filepath.Join(dir, "cardgen.lock"))
			if string(lockBefore) != string(lockAfter) {
				t.Error("a failed build wrote the lock file")
			}
		})
	}
}
