package ably_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ably/ably-suite/internal/dispatcher"
	"github.com/ably/ably-suite/internal/groups"
	"github.com/ably/ably-suite/internal/scripttest"
)

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
