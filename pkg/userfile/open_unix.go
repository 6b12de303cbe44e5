//go:build unix

package userfile

import "syscall"

// openNonBlocking keeps an open from blocking on a named pipe swapped in after the stat.
const openNonBlocking = syscall.O_NONBLOCK
