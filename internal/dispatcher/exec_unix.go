//go:build unix

package dispatcher

import (
	"errors"
	"os/exec"
	"syscall"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// execPlugin replaces this process with the plugin. The plugin keeps our pid, so its exit
// status (or the signal that killed it) is what the shell sees, and a signal sent to `ably`
// reaches it, with no code of ours in between. It returns only when exec fails.
func execPlugin(path string, argv, env []string) (int, error) {
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

// killGroupOnCancel starts cmd in a process group of its own and makes cancelling it kill
// the whole group, grandchildren included.
func killGroupOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return killGroup(cmd) }
}

// killGroup kills cmd's process group (its pgid is its pid, see killGroupOnCancel).
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
