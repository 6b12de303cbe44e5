//go:build aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || zos

package scripttest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ably/ably-suite/internal/ttymode"
)

// ptyCmd runs a program on a pseudo-terminal, as a user at a terminal would:
//
//	pty N [-timeout DUR] [-env NAME=VALUE]... [-wait REGEXP | -send TEXT]... prog [args...]
//
// The program's standard streams are the terminal, which is also its controlling terminal, so
// Ctrl-C (-send '\x03') is a SIGINT from the kernel as at a real keyboard. The steps run in
// order: -wait waits until what the terminal showed since the last -wait matches REGEXP;
// -send types TEXT, written as the inside of a Go string ('y\r', '\x03'). Then the program
// must exit with status N (128+S when killed by signal S) within -timeout (10s a step, and
// for the exit), and must leave the terminal's modes (echo, line editing, ...) exactly as it
// found them. What the terminal showed, "\r\n" read as "\n", replaces the script's stdout.
//
// The program gets the script's environment as Seal made it, with the current values of
// those variables, and the -env variables: a variable a script adds with env is not passed
// on, as a custom command cannot see it.
func ptyCmd(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: pty N [-timeout DUR] [-env NAME=VALUE]... [-wait REGEXP | -send TEXT]... prog [args...]"
	if neg || len(args) < 2 {
		ts.Fatalf(usage)
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("pty: %q is not an exit status; %s", args[0], usage)
	}
	timeout := 10 * time.Second
	type step struct {
		wait *regexp.Regexp
		send string
	}
	var steps []step
	env := scriptEnv(ts)
	args = args[1:]
	for len(args) > 1 && strings.HasPrefix(args[0], "-") {
		flag, val := args[0], args[1]
		args = args[2:]
		switch flag {
		case "-timeout":
			if timeout, err = time.ParseDuration(val); err != nil {
				ts.Fatalf("pty: -timeout %q: %v", val, err)
			}
		case "-env":
			if k, _, ok := strings.Cut(val, "="); !ok || k == "" {
				ts.Fatalf("pty: -env %q is not NAME=VALUE", val)
			}
			env = append(env, val)
		case "-wait":
			re, err := regexp.Compile(val)
			if err != nil {
				ts.Fatalf("pty: -wait %q: %v", val, err)
			}
			steps = append(steps, step{wait: re})
		case "-send":
			text, err := strconv.Unquote(`"` + strings.ReplaceAll(val, `"`, `\"`) + `"`)
			if err != nil {
				ts.Fatalf("pty: -send %q is not the inside of a Go string: %v", val, err)
			}
			steps = append(steps, step{send: text})
		default:
			ts.Fatalf("pty: unknown option %s; %s", flag, usage)
		}
	}
	if len(args) == 0 {
		ts.Fatalf(usage)
	}

	path := ts.MkAbs(args[0])
	if !strings.ContainsRune(args[0], os.PathSeparator) {
		if path, err = lookIn(ts.Getenv("PATH"), args[0]); err != nil {
			ts.Fatalf("pty: %v", err)
		}
	}
	master, tty, err := pty.Open()
	if err != nil {
		ts.Fatalf("pty: opening a pseudo-terminal: %v", err)
	}
	defer master.Close()
	closeTTY := sync.OnceFunc(func() { tty.Close() })
	defer closeTTY()
	before, err := ttymode.Get(int(tty.Fd()))
	if err != nil {
		ts.Fatalf("pty: reading the terminal's modes: %v", err)
	}

	cmd := exec.Command(path, args[1:]...)
	cmd.Args[0] = args[0]
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	screen := newScreen(master)
	if err := cmd.Start(); err != nil {
		ts.Fatalf("pty: starting %s: %v", args[0], err)
	}
	// Once the program is gone, read the modes it left and let go of the terminal, so that
	// the screen reader sees the end of its output.
	type exit struct {
		err      error
		modes    ttymode.State
		modesErr error
	}
	exited := make(chan exit, 1)
	go func() {
		var e exit
		e.err = cmd.Wait()
		e.modes, e.modesErr = ttymode.Get(int(tty.Fd()))
		closeTTY()
		exited <- e
	}()
	fail := func(format string, a ...any) {
		_ = cmd.Process.Kill()
		<-exited
		ts.Fatalf("pty: %s\nthe terminal showed:\n%s", fmt.Sprintf(format, a...), screen.text(timeout))
	}

	from := 0
	for _, s := range steps {
		if s.wait == nil {
			if _, err := master.Write([]byte(s.send)); err != nil {
				fail("typing %q: %v", s.send, err)
			}
			continue
		}
		end, ok := screen.waitFor(s.wait, from, timeout)
		if !ok {
			fail("%s did not show %q within %v", args[0], s.wait, timeout)
		}
		from = end
	}
	var e exit
	select {
	case e = <-exited:
	case <-time.After(timeout):
		fail("%s did not exit within %v", args[0], timeout)
	}
	shown := screen.text(timeout)
	fmt.Fprint(ts.Stdout(), shown)
	if e.modesErr != nil {
		ts.Fatalf("pty: reading the terminal's modes after %s: %v", args[0], e.modesErr)
	}
	got, finished := exitStatus(e.err)
	if !finished {
		ts.Fatalf("pty: %s did not run: %v", args[0], e.err)
	}
	if got != want {
		ts.Fatalf("pty: %s exited %d, want %d; the terminal showed:\n%s", strings.Join(args, " "), got, want, shown)
	}
	if e.modes != before {
		ts.Fatalf("pty: %s left the terminal's modes changed (echo %s): %+v, found %+v",
			args[0], onOff(e.modes.Echo()), e.modes, before)
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// lookIn finds prog in the directories of path, as the script's PATH sees it.
func lookIn(path, prog string) (string, error) {
	for _, dir := range strings.Split(path, string(os.PathListSeparator)) {
		p := dir + string(os.PathSeparator) + prog
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found in the script's PATH", prog)
}

// screen collects what a terminal shows, for steps that wait for text.
type screen struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every read
	done    chan struct{} // closed when the terminal's output ends
}

func newScreen(master *os.File) *screen {
	s := &screen{changed: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		b := make([]byte, 4096)
		for {
			n, err := master.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			close(s.changed)
			s.changed = make(chan struct{})
			s.mu.Unlock()
			if err != nil { // EIO on Linux once every holder of the terminal closed it
				return
			}
		}
	}()
	return s
}

// waitFor waits until re matches what was shown from offset from, and returns the offset
// after the match.
func (s *screen) waitFor(re *regexp.Regexp, from int, timeout time.Duration) (int, bool) {
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		shown := normalise(s.buf.String())
		changed := s.changed
		s.mu.Unlock()
		if loc := re.FindStringIndex(shown[min(from, len(shown)):]); loc != nil {
			return from + loc[1], true
		}
		select {
		case <-s.done:
			if s.ended(changed) {
				return 0, false
			}
		case <-changed:
		case <-deadline:
			return 0, false
		}
	}
}

// ended reports whether nothing was shown after the snapshot whose change channel is changed.
func (s *screen) ended(changed chan struct{}) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed == changed
}

// text is everything shown, once the output has ended (or timeout has passed).
func (s *screen) text(timeout time.Duration) string {
	select {
	case <-s.done:
	case <-time.After(timeout):
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return normalise(s.buf.String())
}

func normalise(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// scriptEnv is the environment a program started by a script command gets: the variables
// Seal set, with their current values.
func scriptEnv(ts *testscript.TestScript) []string {
	names, _ := ts.Value(envNamesKey{}).([]string)
	var env []string
	for _, k := range names {
		if v := ts.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}
