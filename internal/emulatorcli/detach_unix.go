//go:build unix

package emulatorcli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// readyTimeout bounds the wait for a background emulator to say it is ready.
const readyTimeout = 15 * time.Second

// spawn starts this executable again as a background emulator (`start` without --detach,
// in a session of its own, its output to logPath) and returns what it hands over once ready:
// its URLs and credentials, on a pipe, never in its arguments or its log.
func spawn(ctx context.Context, args []string, logPath string) (started, int, error) {
	exe, err := os.Executable()
	if err != nil {
		return started{}, 0, fmt.Errorf("cannot find this program to run it in the background: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(logPath), 0o700); err != nil {
		return started{}, 0, err
	}
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return started{}, 0, fmt.Errorf("cannot open the emulator's log: %w", err)
	}
	defer logFile.Close()
	r, w, err := os.Pipe()
	if err != nil {
		return started{}, 0, err
	}
	defer r.Close()
	cmd := exec.Command(exe)
	cmd.Args = append([]string{"ably-emulator", "start"}, args...)
	cmd.Env = append(os.Environ(), envReadyFD+"=3")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // Ctrl-C in this terminal is not its
	if err := cmd.Start(); err != nil {
		w.Close()
		return started{}, 0, fmt.Errorf("cannot start the emulator in the background: %w", err)
	}
	w.Close() // the child holds the only writer: EOF when it is ready or has died
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	got := make(chan []byte, 1)
	go func() {
		b, _ := bufio.NewReader(r).ReadBytes('\n')
		got <- b
	}()
	var line []byte
	select {
	case line = <-got:
	case <-time.After(readyTimeout):
		_ = cmd.Process.Kill()
		return started{}, 0, fmt.Errorf("the emulator did not say it was ready within %s (its log: %s)", readyTimeout, logPath)
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		return started{}, 0, ctx.Err()
	}
	var s started
	if len(bytes.TrimSpace(line)) == 0 || json.Unmarshal(line, &s) != nil {
		select {
		case <-exited:
		case <-time.After(time.Second):
		}
		return started{}, 0, fmt.Errorf("the emulator did not start: %s", lastLine(logPath))
	}
	return s, cmd.Process.Pid, nil
}

// handOver writes the started document on the descriptor the parent gave (envReadyFD) and
// closes it.
func handOver(fd string, s started) error {
	n, err := strconv.Atoi(fd)
	if err != nil || n < 3 {
		return fmt.Errorf("%s=%q is not a file descriptor", envReadyFD, fd)
	}
	f := os.NewFile(uintptr(n), "ready")
	if f == nil {
		return fmt.Errorf("%s=%d is not open", envReadyFD, n)
	}
	defer f.Close()
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	return err
}

// terminate asks the process to stop (SIGTERM), waits until it is gone, and kills it if it
// has not gone after grace.
func terminate(pid int, grace time.Duration) (killed bool, err error) {
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			return false, nil
		}
		return false, err
	}
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if syscall.Kill(pid, 0) != nil {
			return false, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true, syscall.Kill(pid, syscall.SIGKILL)
}

// lastLine is the log's last non-empty line, for an emulator that failed to start.
func lastLine(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "no log (" + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	if last == "" {
		return "it exited without a word (its log: " + path + ")"
	}
	return last
}
