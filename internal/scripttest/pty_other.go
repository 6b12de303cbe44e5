//go:build !(aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || zos)

package scripttest

import (
	"runtime"

	"github.com/rogpeppe/go-internal/testscript"
)

// ptyCmd needs Unix pseudo-terminals; scripts using it start with [!unix] skip.
func ptyCmd(ts *testscript.TestScript, _ bool, _ []string) {
	ts.Fatalf("pty: pseudo-terminals are not supported on %s", runtime.GOOS)
}
