// Package scripttest holds what the suite's testscript files run in: a sealed environment and
// the extra script commands (exact exit codes, JWT verification).
package scripttest

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/rogpeppe/go-internal/testscript"
)

// Seal gives a script a sealed environment: HOME, the config directory and the cache under
// $WORK, PATH holding only the suite's binaries and $WORK/bin, and no ABLY_* variable from
// the outside. $EXAMPLES is the directory of the compiled examples.
func Seal(env *testscript.Env, suiteBin, examplesBin string) error {
	work := env.Getenv("WORK")
	home := filepath.Join(work, "home")
	env.Setenv("HOME", home)
	env.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	env.Setenv("ABLY_CLI_CONFIG_DIR", filepath.Join(home, ".ably"))
	env.Setenv("PATH", suiteBin+string(filepath.ListSeparator)+filepath.Join(work, "bin"))
	env.Setenv("SUITE_BIN", suiteBin)
	env.Setenv("EXAMPLES", examplesBin)
	env.Setenv("NO_COLOR", "1")
	// Race-enabled binaries otherwise wait a second on exit, which makes every script slow
	// and pushes metadata calls towards their timeout.
	env.Setenv("GORACE", "atexit_sleep_ms=0")
	return nil
}

// Commands are the script commands the suite's scripts use besides testscript's own:
//
//	exitcode N prog [args...]   run prog like exec, and require exit status N
//	                            (128+S when killed by signal S, as a shell reports it)
//	jwt [-json] secret [check...]  verify the JWT printed by the last command (see jwtCmd)
func Commands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"exitcode": exitcodeCmd,
		"jwt":      jwtCmd,
	}
}

func exitcodeCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N prog [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %q is not a number", args[0])
	}
	runErr := ts.Exec(args[1], args[2:]...)
	got, finished := exitStatus(runErr)
	if !finished {
		ts.Fatalf("exitcode: %s did not run: %v", args[1], runErr)
	}
	if got != want {
		ts.Fatalf("exitcode: %s exited %d, want %d", strings.Join(args[1:], " "), got, want)
	}
}

// exitStatus is how a shell reports a finished process: its exit code, or 128+N when it was
// killed by signal N. finished is false when the process could not be run at all.
func exitStatus(err error) (code int, finished bool) {
	if err == nil {
		return 0, true
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return 0, false
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), true
	}
	return ee.ExitCode(), true
}
