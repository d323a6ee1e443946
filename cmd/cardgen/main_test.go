package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cardgen/cardgen/internal/ankitest"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"cardgen": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the CLI scripts in testdata/script. $REPO is the repository
// root, so scripts can check the shipped question set.
func TestScript(t *testing.T) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("REPO", repo)
			return nil
		},
		Cmds:      map[string]func(ts *testscript.TestScript, neg bool, args []string){"ankiconnect": cmdAnkiConnect},
		Condition: condition,
	})
}

// condition knows [anki]: Anki's library is there for the AnkiConnect test
// server. Without it a script skips, unless CARDGEN_REQUIRE_TOOLS=1.
func condition(cond string) (bool, error) {
	if cond != "anki" {
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	py, why := ankitest.LookPython()
	if py == "" && os.Getenv("CARDGEN_REQUIRE_TOOLS") == "1" {
		return false, fmt.Errorf("CARDGEN_REQUIRE_TOOLS=1: %s", why)
	}
	return py != "", nil
}

// cmdAnkiConnect starts the AnkiConnect test server on a new collection in
// $WORK and sets $ANKICONNECT to its address, for `cardgen sync --url`.
func cmdAnkiConnect(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) > 0 {
		ts.Fatalf("usage: ankiconnect")
	}
	py, why := ankitest.LookPython()
	if py == "" {
		ts.Fatalf("%s", why)
	}
	c, err := ankitest.Launch(py, ankitest.ConnectOptions{Collection: ts.MkAbs("anki/collection.anki2")})
	if err != nil {
		ts.Fatalf("%v", err)
	}
	ts.Defer(c.Stop)
	ts.Setenv("ANKICONNECT", c.URL)
}
