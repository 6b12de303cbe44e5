// The suite's end-to-end tests: testscript files under testdata/script run the real
// dispatcher and plugins (TestScripts), the secrets audit runs every command
// (secrets_audit_test.go), and the help of every command is checked against testdata/help/
// (help_test.go).
//
// Golden files: help texts (testdata/help/*.txt), and the tables and JSON documents scripts
// compare with `cmp stdout want.txt` against files inside their own .txtar archives, are
// contracts. After a deliberate change, rewrite them all from the current output with
//
//	go test . -update
//
// and review the diff before committing it. (Only this package has the flag, so give the
// package: `go test ./... -update` fails in the others.)
package ably_test

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ably/ably-suite/internal/dispatcher"
	"github.com/ably/ably-suite/internal/groups"
	"github.com/ably/ably-suite/internal/scripttest"
)

var update = flag.Bool("update", false, "rewrite golden files from the current output: testdata/help/*.txt and the cmp targets inside testdata/script/*.txtar")

// TestMain registers every binary of the suite, so that inside a script the real dispatcher
// discovers and runs the real plugins.
func TestMain(m *testing.M) {
	commands := map[string]func(){"ably": dispatcher.Main}
	for _, g := range groups.All() {
		commands[g.Executable()] = g.Main
	}
	testscript.Main(m, commands)
}

func TestScripts(t *testing.T) {
	suiteBin := suiteBinDir(t)
	examplesBin := buildExamples(t)
	spec := scripttest.LoadSpec(t) // parsed once; every script's fake validates against it
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update,
		Setup: func(env *testscript.Env) error {
			return scripttest.Seal(env, suiteBin, examplesBin, spec)
		},
		Condition: scripttest.Condition(spec),
		Cmds:      scripttest.Commands(),
	})
}

// suiteBinDir is the directory where testscript.Main put the suite's binaries.
func suiteBinDir(t *testing.T) string {
	p, err := exec.LookPath("ably")
	if err != nil {
		t.Fatalf("the suite's binaries are not on PATH: %v", err)
	}
	return filepath.Dir(p)
}

// buildExamples compiles examples/ into a directory of its own, so that scripts can show a
// third party's Go plugin being discovered and run.
func buildExamples(t *testing.T) string {
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "./examples/...")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("building examples: %v", err)
	}
	return dir
}
