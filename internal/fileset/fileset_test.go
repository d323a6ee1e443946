package fileset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, body string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(data)
}

// project is a folder with dist/{a,b,keep}, lock and the set that makes them new.
func project(t *testing.T, extra func(root string)) (string, Set) {
	root := t.TempDir()
	dist := filepath.Join(root, "dist")
	for _, n := range []string{"a", "b", "keep"} {
		write(t, filepath.Join(dist, n), "old "+n)
	}
	write(t, filepath.Join(root, "lock"), "old lock")
	if extra != nil {
		extra(root)
	}
	s := Set{Journal: filepath.Join(root, ".cardgen-journal.json"), Dir: dist}
	for _, n := range []string{"a", "b", "c"} {
		tmp := filepath.Join(dist, ".cardgen-"+n+".tmp")
		write(t, tmp, "new "+n)
		s.DirFiles = append(s.DirFiles, File{Tmp: tmp, Final: filepath.Join(dist, n)})
	}
	tmp := filepath.Join(root, ".cardgen-lock.tmp")
	write(t, tmp, "new lock")
	s.Files = []File{{Tmp: tmp, Final: filepath.Join(root, "lock")}}
	return root, s
}

func checkNew(t *testing.T, root string) {
	t.Helper()
	for n, want := range map[string]string{"dist/a": "new a", "dist/b": "new b", "dist/c": "new c", "dist/keep": "old keep", "lock": "new lock"} {
		if got := read(t, filepath.Join(root, n)); got != want {
			t.Errorf("%s = %q, want %q", n, got, want)
		}
	}
	ents, _ := os.ReadDir(filepath.Join(root, "dist"))
	ents2, _ := os.ReadDir(root)
	for _, e := range append(ents, ents2...) {
		if strings.HasPrefix(e.Name(), TempPrefix) {
			t.Errorf("left %s", e.Name())
		}
	}
}

func TestCommitSwapsTheFolder(t *testing.T) {
	root, s := project(t, nil)
	before, _ := fileID(s.Dir)
	if err := Commit(s); err != nil {
		t.Fatal(err)
	}
	checkNew(t, root)
	if after, _ := fileID(s.Dir); after == before {
		t.Error("dist/ was changed file by file, not swapped")
	}
}

// TestCommitWithoutExchange takes the path of a system without RENAME_EXCHANGE.
func TestCommitWithoutExchange(t *testing.T) {
	exchangeFolders = func(a, b string) error { return errNoExchange }
	defer func() { exchangeFolders = exchange }()
	root, s := project(t, nil)
	if err := Commit(s); err != nil {
		t.Fatal(err)
	}
	checkNew(t, root)
}

// TestCommitFileByFile: an output folder holding a folder is not swapped.
func TestCommitFileByFile(t *testing.T) {
	root, s := project(t, func(root string) { write(t, filepath.Join(root, "dist", "sub", "x"), "x") })
	before, _ := fileID(s.Dir)
	if err := Commit(s); err != nil {
		t.Fatal(err)
	}
	checkNew(t, root)
	if after, _ := fileID(s.Dir); after != before || read(t, filepath.Join(root, "dist/sub/x")) != "x" {
		t.Error("a folder with a subfolder was swapped")
	}
}

// TestCommitRefusesFolderInTheWay: nothing changes when a destination is a folder.
func TestCommitRefusesFolderInTheWay(t *testing.T) {
	root, s := project(t, nil)
	os.Remove(filepath.Join(root, "lock"))
	os.Mkdir(filepath.Join(root, "lock"), 0o755)
	err := Commit(s)
	if err == nil || !strings.Contains(err.Error(), "is a folder, not a file") {
		t.Fatalf("Commit = %v", err)
	}
	if read(t, filepath.Join(root, "dist/a")) != "old a" {
		t.Error("dist/a changed")
	}
}

// TestRecoverRefusesForgedJournal: a journal from a pull request cannot move arbitrary files.
func TestRecoverRefusesForgedJournal(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "secret"), "s")
	j := filepath.Join(root, ".cardgen-journal.json")
	write(t, j, `{"files":[{"tmp":"`+filepath.Join(root, "secret")+`","final":"`+filepath.Join(root, "README.md")+`"}]}`)
	if err := Recover(j); err == nil || !strings.Contains(err.Error(), "not a cardgen temporary file") {
		t.Fatalf("Recover = %v", err)
	}
	if read(t, filepath.Join(root, "secret")) != "s" {
		t.Error("the forged journal moved a file")
	}
}
