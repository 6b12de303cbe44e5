package scripttest

import (
	"net"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// envfileCmd implements `envfile NAME FILE`: a script's way to put what a command printed
// (a token it issued) into the environment of the next, as a shell's NAME="$(cmd)" does.
func envfileCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: envfile NAME FILE")
	}
	ts.Setenv(args[0], strings.TrimRight(ts.ReadFile(args[1]), "\r\n"))
}

// exportsCmd implements `exports FILE`: a script's `eval "$(cmd)"` for a command that prints
// shell exports (ably emulator start): every line `export NAME='VALUE'` of FILE (stdout for
// the last command's output) sets NAME. Other lines are refused, so that a change of format
// fails the script instead of leaving a variable unset.
func exportsCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: exports FILE")
	}
	n := 0
	for _, line := range strings.Split(ts.ReadFile(args[0]), "\n") {
		if line == "" {
			continue
		}
		assign, ok := strings.CutPrefix(line, "export ")
		name, quoted, eq := strings.Cut(assign, "=")
		if !ok || !eq || len(quoted) < 2 || quoted[0] != '\'' || quoted[len(quoted)-1] != '\'' {
			ts.Fatalf("exports: %q is not export NAME='VALUE'", line)
		}
		ts.Setenv(name, strings.ReplaceAll(quoted[1:len(quoted)-1], `'\''`, `'`))
		n++
	}
	if n == 0 {
		ts.Fatalf("exports: no export in %s", args[0])
	}
}

// freeportCmd implements `freeport NAME`: sets NAME to a TCP port free on 127.0.0.1 right
// now, for a script that starts a server on a port it must know (and then uses again).
func freeportCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeport NAME")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	port := ln.Addr().(*net.TCPAddr).Port
	ts.Check(ln.Close())
	ts.Setenv(args[0], strconv.Itoa(port))
}
