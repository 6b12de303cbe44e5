package ttymode

import "golang.org/x/sys/windows"

// NoEcho turns echo off on the console fd and returns the function that puts back the mode
// it found. Line input and Ctrl-C processing stay on.
func NoEcho(fd int) (restore func() error, err error) {
	h := windows.Handle(fd)
	var saved uint32
	if err := windows.GetConsoleMode(h, &saved); err != nil {
		return nil, err
	}
	quiet := saved&^windows.ENABLE_ECHO_INPUT | windows.ENABLE_LINE_INPUT | windows.ENABLE_PROCESSED_INPUT
	if err := windows.SetConsoleMode(h, quiet); err != nil {
		return nil, err
	}
	return func() error { return windows.SetConsoleMode(h, saved) }, nil
}
