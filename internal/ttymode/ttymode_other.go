//go:build !(aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || zos || windows)

package ttymode

// NoEcho is not supported here.
func NoEcho(int) (func() error, error) { return nil, ErrUnsupported }
