//go:build !unix

package dispatcher

import "os/exec"

// killGroupOnCancel keeps exec's default of killing the plugin itself: there is no process
// group to kill here; WaitDelay still stops a grandchild holding the pipe from hanging us.
func killGroupOnCancel(cmd *exec.Cmd) {}

// killGroup kills the plugin.
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return cmd.Process.Kill()
}
