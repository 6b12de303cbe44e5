//go:build aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || zos

package ttymode

import "golang.org/x/sys/unix"

// State is a terminal's mode flags (termios c_iflag, c_oflag, c_cflag, c_lflag).
type State struct {
	Input, Output, Control, Local uint64
}

// Echo reports whether the terminal echoes what is typed.
func (s State) Echo() bool { return s.Local&unix.ECHO != 0 }

// Get reads the modes of the terminal fd.
func Get(fd int) (State, error) {
	t, err := unix.IoctlGetTermios(fd, getTermios)
	if err != nil {
		return State{}, err
	}
	return State{Input: uint64(t.Iflag), Output: uint64(t.Oflag), Control: uint64(t.Cflag), Local: uint64(t.Lflag)}, nil
}

// NoEcho turns echo off on the terminal fd and returns the function that puts back the
// modes it found. Line editing stays on, and so does ISIG, so Ctrl-C still interrupts.
func NoEcho(fd int) (restore func() error, err error) {
	saved, err := unix.IoctlGetTermios(fd, getTermios)
	if err != nil {
		return nil, err
	}
	quiet := *saved
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON | unix.ISIG
	quiet.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, setTermios, &quiet); err != nil {
		return nil, err
	}
	return func() error { return unix.IoctlSetTermios(fd, setTermios, saved) }, nil
}
