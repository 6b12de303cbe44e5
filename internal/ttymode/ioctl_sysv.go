//go:build aix || linux || solaris || zos

package ttymode

import "golang.org/x/sys/unix"

const (
	getTermios = unix.TCGETS
	setTermios = unix.TCSETS
)
