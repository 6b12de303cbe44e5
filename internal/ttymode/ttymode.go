// Package ttymode changes and reads a terminal's modes: turning echo off for a hidden
// prompt (keeping line editing, and Ctrl-C as a signal), and reading the modes back, so tests
// on a pseudo-terminal can check that a program left them as it found them.
package ttymode

import "errors"

// ErrUnsupported is returned where this system's terminals cannot be driven.
var ErrUnsupported = errors.New("terminal modes are not supported on this system")
