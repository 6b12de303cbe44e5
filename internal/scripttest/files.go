package scripttest

import (
	"os"
	"time"

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

// touchCmd changes a file's modification time, as touch(1) does, without changing its
// content: `touch PATH`, for scripts showing that a cache keyed by size and mtime notices.
// The new time is now, or a second past the old one when that is later, so the change shows
// on any file system.
func touchCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: touch PATH")
	}
	path := ts.MkAbs(args[0])
	fi, err := os.Stat(path)
	ts.Check(err)
	t := time.Now()
	if old := fi.ModTime(); !t.After(old.Add(time.Second)) {
		t = old.Add(time.Second)
	}
	ts.Check(os.Chtimes(path, t, t))
}
