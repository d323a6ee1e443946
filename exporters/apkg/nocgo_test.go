package apkg

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBuildWithoutCgo builds this package as Go does on a machine without a
// C compiler (cgo off): the build must fail, and its first error must say to
// install one rather than name go-sqlite3's internals.
func TestBuildWithoutCgo(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the dependencies without cgo; skipped with -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	cmd := exec.Command(goTool, "build", "-o", os.DevNull, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatal("the package built without cgo")
	}
	var first string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, ".go:") {
			first = l
			break
		}
	}
	if !strings.Contains(first, "cardgen_needs_cgo_install_a_C_compiler") {
		t.Errorf("the first error does not ask for a C compiler:\n%s", out)
	}
}
