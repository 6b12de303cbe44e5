package ably_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ably/ably-suite/internal/accountscli"
	"github.com/ably/ably-suite/internal/appscli"
	"github.com/ably/ably-suite/internal/authcli"
	"github.com/ably/ably-suite/internal/dispatcher"
	"github.com/ably/ably-suite/internal/integrationscli"
	"github.com/ably/ably-suite/internal/queuescli"
	"github.com/ably/ably-suite/internal/scripttest"
	"github.com/ably/ably-suite/internal/statscli"
)

// TestMain registers every binary of the suite, so that inside a script the real dispatcher
// discovers and runs the real plugins.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"ably":              dispatcher.Main,
		"ably-auth":         authcli.Main,
		"ably-accounts":     accountscli.Main,
		"ably-apps":         appscli.Main,
		"ably-integrations": integrationscli.Main,
		"ably-queues":       queuescli.Main,
		"ably-stats":        statscli.Main,
	})
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
