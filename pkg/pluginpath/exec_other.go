//go:build !unix

package pluginpath

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// Exec runs the plugin to completion where a process cannot replace itself, forwarding
// interrupts, and returns the plugin's exit code for the caller to exit with.
func Exec(path string, argv, env []string) (int, error) {
	cmd := &exec.Cmd{Path: path, Args: argv, Env: env, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	// Take interrupts ourselves so we outlive the plugin and can return its code. On
	// Windows the console delivers Ctrl-C to the plugin too, and Signal just fails.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return 0, execError(path, err)
	}
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if code := ee.ExitCode(); code >= 0 {
			return code, nil
		}
		return exitcode.Failure, nil // killed, with no code to pass on
	}
	if err != nil {
		return 0, exitcode.New(exitcode.Failure, "running %s: %v", path, err)
	}
	return 0, nil
}

// execError explains a plugin that could not be started.
func execError(path string, err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return exitcode.New(exitcode.NoPlugin, "cannot run %s: %v", path, err)
	}
	return exitcode.New(exitcode.NotExecutable, "cannot run %s: %v", path, err)
}
