package plugin

import (
	"github.com/urfave/cli/v2"
)

// FlagForce skips the confirmation of a destructive command.
const FlagForce = "force"

// ForceFlag is the --force flag of destructive commands.
func ForceFlag() cli.Flag {
	return &cli.BoolFlag{Name: FlagForce, Aliases: []string{"f"}, Usage: "do it without asking (needed when not on a terminal)"}
}

// Confirm is Deps.Confirm for the running command, with its --force.
func Confirm(c *cli.Context, action string) error {
	return DepsOf(c).Confirm(c.Context, c.Bool(FlagForce), action)
}
