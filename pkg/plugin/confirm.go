package plugin

import (
	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// FlagForce skips the confirmation of a destructive command.
const FlagForce = "force"

// ForceFlag is the --force flag of destructive commands.
func ForceFlag() cli.Flag {
	return &cli.BoolFlag{Name: FlagForce, Aliases: []string{"f"}, Usage: "do it without asking (needed when not on a terminal)"}
}

// Confirm asks before a destructive action. With --force it goes ahead; on a terminal it
// asks the question (yes/no, default no; Ctrl-C ends it with exit 130); otherwise (a script,
// CI) it refuses, so nothing is destroyed by accident.
func Confirm(c *cli.Context, action string) error {
	if c.Bool(FlagForce) {
		return nil
	}
	env := EnvOf(c)
	if !env.Interactive() {
		return exitcode.Usagef("not on a terminal, so not asking: pass --force to %s", action)
	}
	yes, err := env.Prompter().Confirm(c.Context, "Really "+action+"?")
	if err != nil {
		return err
	}
	if !yes {
		return exitcode.New(exitcode.Failure, "cancelled: did not %s", action)
	}
	return nil
}
