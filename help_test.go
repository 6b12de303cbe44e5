package ably_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/internal/groups"
	"github.com/ably/ably-suite/pkg/protocol"
)

// TestHelpGolden checks the --help of every command of every group, as `ably` prints it,
// against testdata/help/ably-<group>.txt (rewritten by -update; see main_test.go), and that
// each has examples of itself.
func TestHelpGolden(t *testing.T) {
	sh := newSealedShell(t)
	for _, g := range groups.All() {
		t.Run(g.Name, func(t *testing.T) {
			var b strings.Builder
			for _, path := range commandPaths(g) {
				out, _, code := sh.run(append(strings.Fields(path), "--help")...)
				if code != 0 {
					t.Errorf("ably %s --help: exit %d", path, code)
				}
				if !strings.Contains(out, "\n   Examples:\n      ably "+path) {
					t.Errorf("ably %s --help has no examples of its own", path)
				}
				fmt.Fprintf(&b, "$ ably %s --help\n%s\n", path, out)
			}
			checkGolden(t, filepath.Join("testdata", "help", g.Executable()+".txt"), b.String())
		})
	}
}

// TestGroupHelp: `ably <group>`, `ably <group> --help` and `ably help <group>` print one
// help, with examples, whose global options are the dispatcher's.
func TestGroupHelp(t *testing.T) {
	sh := newSealedShell(t)
	dispatcherHelp, _, _ := sh.run("help")
	for _, f := range protocol.GlobalFlags() {
		if !strings.Contains(dispatcherHelp, "--"+f.Name) || !strings.Contains(dispatcherHelp, f.Env) {
			t.Errorf("protocol.GlobalFlags has --%s (%s), which 'ably help' does not list:\n%s", f.Name, f.Env, dispatcherHelp)
		}
	}
	for _, name := range dispatcherGlobalFlags(t, dispatcherHelp) {
		if !isProtocolGlobal(name) && name != "help" && name != "version" {
			t.Errorf("'ably help' lists the global flag --%s, which protocol.GlobalFlags lacks", name)
		}
	}
	for _, g := range groups.All() {
		bare, _, code := sh.run(g.Name)
		if code != 0 {
			t.Errorf("ably %s: exit %d", g.Name, code)
		}
		for _, args := range [][]string{{g.Name, "--help"}, {g.Name, "-h"}, {"help", g.Name}, {g.Name, "help"}} {
			if out, _, _ := sh.run(args...); out != bare {
				t.Errorf("ably %s differs from ably %s:\n%s\n---\n%s", strings.Join(args, " "), g.Name, out, bare)
			}
		}
		examples := strings.Index(bare, "\n   Examples:\n      ably "+g.Name+" ")
		if examples < 0 {
			t.Errorf("ably %s: help has no examples:\n%s", g.Name, bare)
		}
		_, globals, found := strings.Cut(bare, "\nGLOBAL OPTIONS")
		if !found {
			t.Fatalf("ably %s: help has no GLOBAL OPTIONS:\n%s", g.Name, bare)
		}
		for _, f := range protocol.GlobalFlags() {
			if !strings.Contains(globals, "--"+f.Name) || !strings.Contains(globals, "env "+f.Env) {
				t.Errorf("ably %s: GLOBAL OPTIONS lack --%s (%s):\n%s", g.Name, f.Name, f.Env, globals)
			}
		}
	}
}

// TestBadFlagValuesEverywhere gives every flag of the suite that urfave/cli parses (numbers,
// durations, booleans) a bad value, and wants the suite's message: the flag with two dashes
// and what it wants, never urfave's `-flag: parse error`.
func TestBadFlagValuesEverywhere(t *testing.T) {
	sh := newSealedShell(t)
	tried := 0
	for _, g := range groups.All() {
		seen := map[string]bool{}
		for _, path := range commandPaths(g) {
			cmd := lookupCommand(g, path)
			if cmd == nil || len(cmd.Subcommands) > 0 {
				continue
			}
			for _, f := range cmd.Flags {
				name := f.Names()[0]
				if seen[name] || !parsedByType(f) {
					continue
				}
				seen[name] = true
				tried++
				_, stderr, code := sh.run(append(strings.Fields(path), "--"+name+"=bogus")...)
				want := fmt.Sprintf("--%s \"bogus\": want ", name)
				if code != 2 || !strings.Contains(stderr, want) || strings.Contains(stderr, "parse error") {
					t.Errorf("ably %s --%s=bogus: exit %d, stderr %q; want exit 2 and %q", path, name, code, stderr, want)
				}
			}
		}
	}
	if tried < 10 {
		t.Errorf("only %d flags tried: the walk over the commands is broken", tried)
	}
}

func parsedByType(f cli.Flag) bool {
	switch f.(type) {
	case *cli.BoolFlag, *cli.IntFlag, *cli.Int64Flag, *cli.UintFlag, *cli.Uint64Flag, *cli.Float64Flag, *cli.DurationFlag:
		return true
	}
	return false
}

// commandPaths lists the group and every visible command under it, as words after `ably`,
// parents before their subcommands.
func commandPaths(g groups.Group) []string {
	paths := []string{g.Name}
	var walk func(cmds []*cli.Command, parent string)
	walk = func(cmds []*cli.Command, parent string) {
		for _, c := range cmds {
			if c.Hidden {
				continue
			}
			paths = append(paths, parent+" "+c.Name)
			walk(c.Subcommands, parent+" "+c.Name)
		}
	}
	walk(g.Plugin().CLIApp().Commands, g.Name)
	return paths
}

func lookupCommand(g groups.Group, path string) *cli.Command {
	cmds := g.Plugin().CLIApp().Commands
	var found *cli.Command
	for _, word := range strings.Fields(path)[1:] {
		found = nil
		for _, c := range cmds {
			if c.Name == word {
				found = c
			}
		}
		if found == nil {
			return nil
		}
		cmds = found.Subcommands
	}
	return found
}

// dispatcherGlobalFlags reads the long names of the flags in the global flags section of
// `ably help`.
func dispatcherGlobalFlags(t *testing.T, help string) []string {
	_, section, ok := strings.Cut(help, "Global flags")
	if !ok {
		t.Fatalf("'ably help' has no global flags section:\n%s", help)
	}
	section, _, _ = strings.Cut(section, "\n\n")
	var names []string
	for _, line := range strings.Split(section, "\n")[1:] {
		_, rest, ok := strings.Cut(line, "--")
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(rest, " ")
		names = append(names, name)
	}
	if len(names) == 0 {
		t.Fatalf("no flags in the global flags section of 'ably help':\n%s", help)
	}
	return names
}

func isProtocolGlobal(name string) bool {
	for _, f := range protocol.GlobalFlags() {
		if f.Name == name {
			return true
		}
	}
	return false
}

// sealedShell runs the suite's binaries with an empty home and no ABLY_* variables.
type sealedShell struct {
	t   *testing.T
	env []string
}

func newSealedShell(t *testing.T) *sealedShell {
	home := t.TempDir()
	return &sealedShell{t: t, env: []string{
		"HOME=" + home, "ABLY_CLI_CONFIG_DIR=" + filepath.Join(home, ".ably"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"), "PATH=" + suiteBinDir(t),
		"NO_COLOR=1", "GORACE=atexit_sleep_ms=0",
	}}
}

func (sh *sealedShell) run(args ...string) (stdout, stderr string, code int) {
	sh.t.Helper()
	cmd := exec.Command("ably", args...)
	cmd.Env = sh.env
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		sh.t.Fatalf("ably %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errOut.String(), code
}

// checkGolden compares got with the golden file at path, or rewrites the file under -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test . -run %s -update` to create it)", err, t.Name())
	}
	if string(want) == got {
		return
	}
	wl, gl := strings.Split(string(want), "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			t.Fatalf("%s differs from the output at line %d:\n  golden: %q\n  now:    %q\nIf the change is deliberate, run `go test . -update` and review the diff.", path, i+1, w, g)
		}
	}
}
