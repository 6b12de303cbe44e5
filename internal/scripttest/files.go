package scripttest

import (
	"github.com/rogpeppe/go-internal/testscript"
)

// mkfifoCmd makes a named pipe: `mkfifo PATH`, for scripts showing that the suite refuses
// to read one instead of blocking on it.
func mkfifoCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkfifo PATH")
	}
	ts.Check(mkfifo(ts.MkAbs(args[0])))
}
