//go:build unix

package pluginpath

import (
	"errors"
	"syscall"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// Exec replaces this process with the plugin at path, run with argv (argv[0] its base name)
// and environment env. The plugin keeps our pid, so its exit status (or the signal that
// killed it) is what the shell sees, and a signal sent to us reaches it, with no code of
// ours in between. It returns only when exec fails.
func Exec(path string, argv, env []string) (int, error) {
	err := syscall.Exec(path, argv, env)
	return 0, execError(path, err)
}

// execError explains a failed exec with the shell's codes: 127 when the file (or its #!
// interpreter) is missing, 126 when it cannot be run.
func execError(path string, err error) error {
	if errors.Is(err, syscall.ENOENT) {
		return exitcode.New(exitcode.NoPlugin, "cannot run %s: %v (does its #! line name a missing interpreter?)", path, err)
	}
	return exitcode.New(exitcode.NotExecutable, "cannot run %s: %v", path, err)
}
