package plugin

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
)

// Deps is the dependencies value of one command run, built once by the framework: the Env
// (streams and which of them are terminals, the prompt, Getenv, the clock, randomness, the
// HTTP transport) and the command's output, set up from the standard flags. A command reads
// its flags and arguments from urfave/cli into an options struct and hands both to a run
// function; tests call that run function directly with a Deps of their own (see plugintest).
type Deps struct {
	Env
	Out *output.Printer
}

// DepsOf is the Deps of the running command.
func DepsOf(c *cli.Context) Deps { return Deps{Env: EnvOf(c), Out: Printer(c)} }

// Confirm asks before a destructive action. With force it goes ahead; on a terminal it asks
// the question (yes/no, default no; Ctrl-C ends it with exit 130); otherwise (a script, CI)
// it refuses, so nothing is destroyed by accident.
func (d Deps) Confirm(ctx context.Context, force bool, action string) error {
	if force {
		return nil
	}
	if !d.Interactive() {
		return exitcode.Usagef("not on a terminal, so not asking: pass --force to %s", action)
	}
	if d.Out != nil && d.Out.IsJSON() {
		// As in the official CLI: JSON output is for programs, which cannot answer a prompt.
		return exitcode.Usagef("with --json nothing is asked: pass --force to %s", action)
	}
	yes, err := d.Prompter().Confirm(ctx, "Really "+action+"?")
	if err != nil {
		return err
	}
	if !yes {
		return exitcode.New(exitcode.Failure, "cancelled: did not %s", action)
	}
	return nil
}

// Action is the Action of a command written as an options struct and a run function: parse
// reads the flags and arguments into the options (usage errors belong there, before anything
// is touched), and run does the work with the run's Deps. Tests call run directly.
func Action[O any](parse func(*cli.Context) (O, error), run func(context.Context, Deps, O) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		o, err := parse(c)
		if err != nil {
			return err
		}
		return run(c.Context, DepsOf(c), o)
	}
}
