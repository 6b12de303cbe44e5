package scripttest

import (
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
