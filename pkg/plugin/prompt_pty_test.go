//go:build aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || zos

package plugin

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/ably/ably-suite/internal/ttymode"
	"github.com/ably/ably-suite/pkg/exitcode"
)

// openTerminal opens a pseudo-terminal and collects what it shows.
func openTerminal(t *testing.T) (master, tty *os.File, shown *syncBuffer) {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { tty.Close(); master.Close() })
	shown = &syncBuffer{}
	go func() {
		b := make([]byte, 1024)
		for {
			n, err := master.Read(b)
			_, _ = shown.Write(b[:n])
			if err != nil {
				return
			}
		}
	}()
	return master, tty, shown
}

func waitShown(t *testing.T, shown *syncBuffer, want string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(shown.String(), want); {
		if time.Now().After(deadline) {
			t.Fatalf("the terminal did not show %q; it showed %q", want, shown.String())
		}
		time.Sleep(time.Millisecond)
	}
}

func modes(t *testing.T, tty *os.File) ttymode.State {
	t.Helper()
	s, err := ttymode.Get(int(tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// On a real terminal, Hidden reads with echo off from before the prompt shows, and puts the
// modes back after the line.
func TestHiddenOnATerminal(t *testing.T) {
	master, tty, shown := openTerminal(t)
	before := modes(t, tty)
	got := make(chan string, 1)
	go func() {
		line, err := TerminalPrompt{In: tty, Out: tty}.Hidden(context.Background(), "Token: ")
		if err != nil {
			line = "error: " + err.Error()
		}
		got <- line
	}()
	waitShown(t, shown, "Token: ")
	if modes(t, tty).Echo() {
		t.Error("echo is on while the prompt waits")
	}
	if _, err := master.Write([]byte("s3cret\r")); err != nil {
		t.Fatal(err)
	}
	if line := <-got; line != "s3cret" {
		t.Errorf("read %q, want s3cret", line)
	}
	if after := modes(t, tty); after != before {
		t.Errorf("modes after %+v, want %+v as before", after, before)
	}
	if strings.Contains(shown.String(), "s3cret") {
		t.Errorf("the terminal echoed the secret: %q", shown.String())
	}
}

// Cancelled (Ctrl-C) while waiting, Hidden puts the modes back too.
func TestHiddenOnATerminalInterrupted(t *testing.T) {
	_, tty, shown := openTerminal(t)
	before := modes(t, tty)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := (TerminalPrompt{In: tty, Out: tty}).Hidden(ctx, "Token: "); done <- err }()
	waitShown(t, shown, "Token: ")
	cancel()
	select {
	case err := <-done:
		if exitcode.Of(err) != exitcode.Interrupted {
			t.Errorf("got %v, want interrupted", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancel did not end the prompt")
	}
	if after := modes(t, tty); after != before || !after.Echo() {
		t.Errorf("modes after %+v, want %+v as before (echo on)", after, before)
	}
}
