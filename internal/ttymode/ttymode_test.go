//go:build aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || zos

package ttymode

import (
	"testing"

	"github.com/creack/pty"
)

func TestNoEchoAndRestore(t *testing.T) {
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer master.Close()
	defer tty.Close()
	fd := int(tty.Fd())
	before, err := Get(fd)
	if err != nil || !before.Echo() {
		t.Fatalf("a new terminal: %+v, %v; want echo on", before, err)
	}
	restore, err := NoEcho(fd)
	if err != nil {
		t.Fatal(err)
	}
	quiet, _ := Get(fd)
	if quiet.Echo() {
		t.Error("echo still on after NoEcho")
	}
	if quiet.Local&^before.Local != 0 || quiet.Control != before.Control || quiet.Output != before.Output {
		t.Errorf("NoEcho changed more than echo: %+v, was %+v", quiet, before)
	}
	if err := restore(); err != nil {
		t.Fatal(err)
	}
	if after, _ := Get(fd); after != before {
		t.Errorf("after restore %+v, want %+v", after, before)
	}
}

func TestNotATerminal(t *testing.T) {
	if _, err := NoEcho(-1); err == nil {
		t.Error("NoEcho on no terminal succeeded")
	}
	if _, err := Get(-1); err == nil {
		t.Error("Get on no terminal succeeded")
	}
}
