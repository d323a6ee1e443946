package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cardgen/cardgen/internal/decktest"
	"github.com/cardgen/cardgen/internal/faultinject"
	"github.com/cardgen/cardgen/internal/fileset"
	"github.com/cardgen/cardgen/lock"
)

const commitConfig = `[deck]
id = "c"
namespace = "c"
name = "提交"

[output]
formats = ["apkg", "csv", "md"]

[[topics]]
id = "detection"
name = "检测"

[[topics]]
id = "pose"
name = "姿态"

[[targets]]
name = "all"

[[targets]]
name = "pose"
topics = ["pose"]
`

const commitReadme = "# Deck\n\n<!-- cardgen:questions:begin -->\n<!-- cardgen:questions:end -->\n\nEnd.\n"

// commitProject writes version A of a small project (two topics, a README
// with a generated list, a file of the user's own in dist/) and builds it.
func commitProject(t *testing.T, bin string) string {
	dir := filepath.Join(t.TempDir(), "p")
	write := func(name, body string) {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("config.toml", commitConfig)
	write("README.md", commitReadme)
	write("cards/detection.toml", "[[cards]]\nid = \"iou\"\nquestion = \"IoU 是什么？\"\nanswer = \"交并比 $a/b$。\"\n\n[[cards]]\nid = \"nms\"\nquestion = \"NMS？\"\nanswer = \"非极大值抑制。\"\n")
	write("cards/pose.toml", "[[cards]]\nid = \"heatmap\"\nquestion = \"热图？\"\nanswer = \"关键点热图。\"\n")
	write("dist/notes.txt", "kept by every build\n")
	if out, err := cardgen(bin, dir, "1700000000", ""); err != nil {
		t.Fatalf("build A: %v\n%s", err, out)
	}
	return dir
}

// editToB changes the project to version B: one answer changed, one card retired, one added.
func editToB(t *testing.T, dir string) {
	if err := os.WriteFile(filepath.Join(dir, "cards/detection.toml"), []byte("[[cards]]\nid = \"iou\"\nquestion = \"IoU 是什么？\"\nanswer = \"交并比，$|A\\\\cap B|/|A\\\\cup B|$。\"\n\n[[cards]]\nid = \"giou\"\nquestion = \"GIoU？\"\nanswer = \"广义交并比。\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func cardgen(bin, dir, epoch, fault string) ([]byte, error) {
	cmd := exec.Command(bin, "build")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH="+epoch, "CARDGEN_CACHE_DIR="+filepath.Join(dir, "..", "cache"))
	if fault != "" {
		cmd.Env = append(cmd.Env, faultinject.Variable+"="+fault)
	}
	return cmd.CombinedOutput()
}

// snapshot hashes every file a build writes: dist/*, cardgen.lock, README.md.
func snapshot(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	var paths []string
	ents, _ := os.ReadDir(filepath.Join(dir, "dist"))
	for _, e := range ents {
		// Temporary files are no part of a state: readers and sha256sum -c never look at them.
		if !strings.HasPrefix(e.Name(), ".cardgen-") {
			paths = append(paths, filepath.Join("dist", e.Name()))
		}
	}
	paths = append(paths, "cardgen.lock", "README.md")
	for _, p := range paths {
		data, err := os.ReadFile(filepath.Join(dir, p))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		out[p] = hex.EncodeToString(sum[:])
	}
	return out
}

func distOnly(s map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range s {
		if strings.HasPrefix(k, "dist"+string(filepath.Separator)) {
			out[k] = v
		}
	}
	return out
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// consistent checks what a learner and a release job rely on: SHA256SUMS
// verifies in dist/, and the lock holds every note time of the full deck.
func consistent(t *testing.T, dir string) error {
	t.Helper()
	cmd := exec.Command("sha256sum", "-c", "--strict", "--quiet", "SHA256SUMS")
	cmd.Dir = filepath.Join(dir, "dist")
	if out, err := cmd.CombinedOutput(); err != nil {
		return errors.New("sha256sum -c: " + err.Error() + ": " + string(out))
	}
	l, err := lock.Load(filepath.Join(dir, "cardgen.lock"))
	if err != nil {
		return err
	}
	for _, n := range decktest.Notes(t, filepath.Join(dir, "dist", "c.apkg")) {
		want, ok := l.Cards[n.ID].Mod, true
		if _, in := l.Cards[n.ID]; !in {
			r, in := l.Retired[n.ID]
			want, ok = r.Mod, in
		}
		if !ok || want != n.Mod {
			return errors.New("note " + n.ID + ": mod in c.apkg differs from cardgen.lock")
		}
	}
	return nil
}

// leftovers lists what a commit may leave only while it is interrupted.
func leftovers(dir string) []string {
	var out []string
	for _, d := range []string{dir, filepath.Join(dir, "dist")} {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".cardgen-") && e.Name() != ".cardgen-project.lock" {
				out = append(out, filepath.Join(d, e.Name()))
			}
		}
	}
	return out
}

// TestCommitIsAllOrNothing fails, then kills, a build at every step that
// writes, syncs or renames one of its files, and checks after each that the
// project's files are all those of the old build or all those of the new
// one: right after the interruption for dist/ (what a reader sees), and for
// every file once the next run has finished or undone the commit.
func TestCommitIsAllOrNothing(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("kills the build with SIGKILL and relies on renameat2; Linux only")
	}
	needSha256sum(t)
	bin, err := exec.LookPath("cardgen")
	if err != nil {
		t.Fatal(err)
	}
	base := commitProject(t, bin)
	stateA := snapshot(t, base)
	if err := consistent(t, base); err != nil {
		t.Fatalf("build A: %v", err)
	}
	// The new state, built once without faults; listing every point it passes.
	b := filepath.Join(t.TempDir(), "p")
	decktest.CopyTree(t, base, b)
	editToB(t, b)
	list := filepath.Join(t.TempDir(), "points")
	if out, err := cardgen(bin, b, "1700100000", "list:"+list); err != nil {
		t.Fatalf("build B: %v\n%s", err, out)
	}
	stateB := snapshot(t, b)
	if err := consistent(t, b); err != nil {
		t.Fatalf("build B: %v", err)
	}
	if sameMap(stateA, stateB) || stateA["cardgen.lock"] == stateB["cardgen.lock"] || stateA["README.md"] == stateB["README.md"] {
		t.Fatal("builds A and B do not differ in every kind of file")
	}
	points := readPoints(t, list)
	for _, want := range []string{"write c.apkg", "sync SHA256SUMS", "rename cardgen.lock", "rename README.md", "swap dist", "link notes.txt", "rename journal"} {
		if !slices.Contains(points, want) {
			t.Fatalf("point %q is not passed by a build; points: %v", want, points)
		}
	}

	injected, mixed := 0, 0
	for _, mode := range []string{"fail", "kill"} {
		for _, p := range points {
			dir := filepath.Join(t.TempDir(), "p")
			decktest.CopyTree(t, base, dir)
			editToB(t, dir)
			out, err := cardgen(bin, dir, "1700100000", mode+":"+p)
			injected++
			var ee *exec.ExitError
			switch {
			case mode == "kill" && !(errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled()):
				t.Errorf("kill at %q: the build was not killed (%v)\n%s", p, err, out)
			case mode == "fail" && err != nil && !strings.Contains(string(out), "injected failure"):
				t.Errorf("fail at %q: the error does not say why:\n%s", p, out)
			}
			// What a reader finds right away: dist/ is one build's, whole.
			now := snapshot(t, dir)
			if d := distOnly(now); !sameMap(d, distOnly(stateA)) && !sameMap(d, distOnly(stateB)) {
				mixed++
				t.Errorf("%s at %q: dist/ is mixed right after", mode, p)
			}
			// A build that fails leaves every file as it was; one that
			// succeeds (a failure after the switch, e.g. removing the
			// journal, is left to the next run) leaves every file new.
			if mode == "fail" && (err != nil && !sameMap(now, stateA) || err == nil && !sameMap(now, stateB)) {
				mixed++
				t.Errorf("fail at %q: exit %v, but the files are not all old (failure) or all new (success)", p, err)
			}
			// What the next run finds once it has finished or undone the commit.
			if err := fileset.Recover(filepath.Join(dir, ".cardgen-journal.json")); err != nil {
				t.Errorf("%s at %q: recover: %v", mode, p, err)
			}
			fileset.Clean(filepath.Join(dir, "dist"), dir)
			after := snapshot(t, dir)
			if !sameMap(after, stateA) && !sameMap(after, stateB) {
				mixed++
				t.Errorf("%s at %q: files are neither all old nor all new after recovery", mode, p)
			}
			if err := consistent(t, dir); err != nil {
				t.Errorf("%s at %q: %v", mode, p, err)
			}
			if l := leftovers(dir); len(l) > 0 {
				t.Errorf("%s at %q: left %v", mode, p, l)
			}
		}
	}
	// The next full run after a kill: builds B cleanly.
	dir := filepath.Join(t.TempDir(), "p")
	decktest.CopyTree(t, base, dir)
	editToB(t, dir)
	cardgen(bin, dir, "1700100000", "kill:swap dist")
	if out, err := cardgen(bin, dir, "1700100000", ""); err != nil || !sameMap(snapshot(t, dir), stateB) || len(leftovers(dir)) > 0 {
		t.Errorf("the build after a killed one: %v, leftovers %v\n%s", err, leftovers(dir), out)
	}
	t.Logf("%d points, %d failures and kills injected, %d mixed states", len(points), injected, mixed)
}

// TestSecondBuildDuringCommit starts a build while another one is paused in
// its commit: the second is refused with a message, and the first finishes.
func TestSecondBuildDuringCommit(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux only")
	}
	needSha256sum(t)
	bin, err := exec.LookPath("cardgen")
	if err != nil {
		t.Fatal(err)
	}
	base := commitProject(t, bin)
	for _, p := range []string{"rename journal", "swap dist", "rename cardgen.lock", "remove journal"} {
		dir := filepath.Join(t.TempDir(), "p")
		decktest.CopyTree(t, base, dir)
		editToB(t, dir)
		signal := t.TempDir()
		first := exec.Command(bin, "build")
		first.Dir = dir
		first.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1700100000", faultinject.Variable+"=pause:"+p+":"+signal)
		if err := first.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if _, err := os.Stat(filepath.Join(signal, "paused")); err == nil {
				break
			}
			if time.Now().After(deadline) {
				first.Process.Kill()
				t.Fatalf("the first build never reached %q", p)
			}
		}
		out, err := cardgen(bin, dir, "1700200000", "")
		if err == nil || !strings.Contains(string(out), "another cardgen is working on this project ('cardgen build', process ") {
			t.Errorf("second build during %q: %v\n%s", p, err, out)
		}
		os.WriteFile(filepath.Join(signal, "resume"), nil, 0o644)
		if err := first.Wait(); err != nil {
			t.Errorf("first build, paused at %q: %v", p, err)
		}
		if err := consistent(t, dir); err != nil {
			t.Errorf("after the builds at %q: %v", p, err)
		}
	}
}

func needSha256sum(t *testing.T) {
	if _, err := exec.LookPath("sha256sum"); err != nil {
		if os.Getenv("CARDGEN_REQUIRE_TOOLS") == "1" {
			t.Fatalf("sha256sum is required (CARDGEN_REQUIRE_TOOLS=1) but not found: %v", err)
		}
		t.Skip("sha256sum not found: apt-get install coreutils")
	}
}

func readPoints(t *testing.T, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if !slices.Contains(out, sc.Text()) {
			out = append(out, sc.Text())
		}
	}
	slices.Sort(out)
	return out
}
