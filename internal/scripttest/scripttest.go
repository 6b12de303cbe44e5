// Package scripttest holds what the suite's testscript files run in: a sealed environment
// with a fake Control API, and the extra script commands (exact exit codes, JWT verification,
// driving and inspecting the fake).
package scripttest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/controltest/controlspec"
	"github.com/ably/ably-suite/pkg/fakeserver"
	"github.com/ably/ably-suite/pkg/resttest/restspec"
)

// serverKey is where Seal leaves the script's fake Control API in Env.Values.
type serverKey struct{}

// Seal gives a script a sealed environment: HOME, the config directory and the cache under
// $WORK, PATH holding only the suite's binaries and $WORK/bin, and no ABLY_* variable from
// the outside. $EXAMPLES is the directory of the compiled examples.
//
// Each script gets its own fake Control API (pkg/controltest) and fake REST API
// (pkg/resttest), each checking every request and response against its spec unless specs
// is nil. The script sees:
//
//	ABLY_CONTROL_HOST  the fake's base URL (http://127.0.0.1:PORT/v1), so clients use it
//	FAKE_URL           the same, for the http command and for scripts
//	ACCESS_TOKEN       the fake's default token, holding every capability (not exported as
//	                   ABLY_ACCESS_TOKEN: a script chooses how its commands get a token)
//	REST_URL           the base URL of the script's fake REST API (see startREST)
func Seal(env *testscript.Env, suiteBin, examplesBin string, specs *Specs) error {
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

	if specs == nil {
		specs = &Specs{}
	}
	srv := controltest.New(controltest.WithSpec(specs.Control))
	env.Defer(srv.Close)
	env.Values[serverKey{}] = srv
	// Race-built binaries on a loaded machine start slowly; completion must not time out there.
	env.Setenv("ABLY_PLUGIN_COMPLETION_TIMEOUT", "20s")
	env.Setenv("ABLY_CONTROL_HOST", srv.URL)
	env.Setenv("FAKE_URL", srv.URL)
	env.Setenv("ACCESS_TOKEN", controltest.DefaultToken)
	startREST(env, srv, specs.REST)
	startHookReceiver(env)
	env.Values[envNamesKey{}] = envNames(env.Vars)
	return nil
}

// envNamesKey is where Seal leaves the names of the script's environment variables, for
// script commands that start programs themselves (pty).
type envNamesKey struct{}

func envNames(vars []string) []string {
	names := make([]string, 0, len(vars))
	for _, kv := range vars {
		if k, _, ok := strings.Cut(kv, "="); ok && k != "" {
			names = append(names, k)
		}
	}
	return names
}

// Specs are the API descriptions the scripts' fakes check against.
type Specs struct {
	Control fakeserver.Checker // control-v1.yaml
	REST    fakeserver.Checker // platform-v1.yaml
}

// LoadSpec loads the API specs (../shared/spec/control-v1.yaml and platform-v1.yaml beside
// the module) once for all scripts. When they are missing, the test fails under CI (CI set)
// and otherwise runs the scripts without spec checking, saying so, with a nil *Specs.
func LoadSpec(t testing.TB) *Specs {
	t.Helper()
	controlPath, err := controlspec.Path()
	var restPath string
	if err == nil {
		restPath, err = restspec.Path()
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Logf("%v; the scripts' fake servers will not check requests against the specs", err)
		return nil
	}
	var specs Specs
	if specs.Control, err = controlspec.Load(controlPath); err != nil {
		t.Fatal(err)
	}
	if specs.REST, err = restspec.Load(restPath); err != nil {
		t.Fatal(err)
	}
	return &specs
}

// Condition answers the scripts' own conditions: [spec] holds when the fake servers check
// against the specs, for scripts (such as those showing a violation) that need it.
func Condition(specs *Specs) func(cond string) (bool, error) {
	return func(cond string) (bool, error) {
		if cond == "spec" {
			return specs != nil, nil
		}
		return false, fmt.Errorf("unknown condition %q", cond)
	}
}

// Commands are the script commands the suite's scripts use besides testscript's own:
//
//	exitcode N prog [args...]   run prog like exec, and require exit status N
//	                            (128+S when killed by signal S, as a shell reports it)
//	jwt [-json] secret [check...]  verify the JWT printed by the last command (see jwtCmd)
//	jwtsign [-env NAME] SECRET KID [CLAIM=VALUE...]  sign a JWT of one's own (see jwtsignCmd)
//	fake SUBCOMMAND ...         arrange and inspect the script's fake Control API (see fakeCmd)
//	http METHOD PATH [BODY]     call the fake directly (see httpCmd)
//	rest SUBCOMMAND ...         arrange and inspect the script's fake REST API (see restCmd)
//	realtime SUBCOMMAND ...     drive and inspect the fake Realtime API on the same port
//	                            (see realtimeCmd)
//	envfile NAME FILE           set variable NAME to FILE's content, trailing newline dropped
//	                            (a token captured with `cp stdout FILE`), as $(cat FILE) would
//	mkfifo PATH                 make a named pipe (Unix only)
//	touch PATH                  give PATH a later modification time, its content unchanged
//	pty N [steps...] prog ...   run prog on a pseudo-terminal, typing and waiting (see ptyCmd)
//	p12fixture FILE             write a minimal DER PKCS#12 file (binary: txtar holds text only)
//	p8fixture [-rsa] FILE       write a new APNs-style .p8 signing key (-rsa: an RSA key instead)
//
// fake and http write what they print to the script's stdout buffer, replacing it as exec
// does, so `stdout` and `cmp stdout` check it. Subcommands of fake that print nothing (token,
// fault, app, requests -count, ...) leave the buffer alone, so the checks of an exec may
// come after them.
func Commands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"exitcode":   exitcodeCmd,
		"jwt":        jwtCmd,
		"jwtsign":    jwtsignCmd,
		"fake":       fakeCmd,
		"http":       httpCmd,
		"rest":       restCmd,
		"realtime":   realtimeCmd,
		"envfile":    envfileCmd,
		"exports":    exportsCmd,
		"freeport":   freeportCmd,
		"hook":       hookCmd,
		"mkfifo":     mkfifoCmd,
		"touch":      touchCmd,
		"pty":        ptyCmd,
		"p12fixture": p12fixtureCmd,
		"p8fixture":  p8fixtureCmd,
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
