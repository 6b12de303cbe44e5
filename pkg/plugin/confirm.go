package plugin

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// FlagForce skips the confirmation of a destructive command.
const FlagForce = "force"

// ForceFlag is the --force flag of destructive commands.
func ForceFlag() cli.Flag {
	return &cli.BoolFlag{Name: FlagForce, Aliases: []string{"f"}, Usage: "do it without asking (needed when not on a terminal)"}
}

// Confirm asks before a destructive action. With --force it goes ahead; on a terminal it
// asks the question (yes/no, default no); otherwise (a script, CI) it refuses, so nothing is
// destroyed by accident.
func Confirm(c *cli.Context, action string) error {
	if c.Bool(FlagForce) {
		return nil
	}
	env := EnvOf(c)
	in, inOK := env.Stdin.(*os.File)
	errOut, errOK := env.Stderr.(*os.File)
	if !inOK || !errOK || !term.IsTerminal(int(in.Fd())) || !term.IsTerminal(int(errOut.Fd())) {
		return exitcode.Usagef("not on a terminal, so not asking: pass --force to %s", action)
	}
	fmt.Fprintf(errOut, "Really %s? [y/N] ", action)
	line, _ := bufio.NewReader(in).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return exitcode.New(exitcode.Failure, "cancelled: did not %s", action)
}
