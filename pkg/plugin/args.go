package plugin

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/suggest"
)

// interspersed returns args with the flags written after a leaf command's positional
// arguments moved in front of them. urfave/cli v2 stops reading flags at the first
// positional argument, but people write `ably apps rules update chat --persisted` and
// `ably accounts switch work --json`. As with GNU tools, "--" ends the flags: everything
// after it stays positional. A flag that needs a value but ends the line is an error here,
// since moved in front of the arguments it would take one of them as its value.
func interspersed(app *cli.App, args []string) ([]string, error) {
	if len(args) < 2 {
		return args, nil
	}
	// Walk the command words to the leaf command.
	cmds, i, helpName := app.Commands, 1, app.HelpName
	var leaf *cli.Command
	for i < len(args) && leaf == nil {
		cmd := findCommand(cmds, args[i])
		if cmd == nil {
			return args, nil // a flag of the app, or an unknown command: urfave/cli handles it
		}
		i++
		helpName += " " + cmd.Name
		if len(cmd.Subcommands) > 0 {
			cmds = cmd.Subcommands
			continue
		}
		leaf = cmd
	}
	if leaf == nil {
		return args, nil
	}
	rest := args[i:]
	var flags, positional []string
	ended := false
	for j := 0; j < len(rest); j++ {
		tok := rest[j]
		if tok == "--" {
			positional, ended = append(positional, rest[j+1:]...), true
			break
		}
		if len(tok) < 2 || tok[0] != '-' {
			positional = append(positional, tok)
			continue
		}
		flags = append(flags, tok)
		name := strings.TrimLeft(tok, "-")
		if !strings.Contains(name, "=") && takesValue(leaf, name) {
			if j+1 == len(rest) {
				if len(positional) == 0 {
					break // nothing moves: urfave/cli reports the missing value itself
				}
				return nil, exitcode.Usagef("%s (run '%s --help' for usage)", missingValue(name), helpName)
			}
			flags = append(flags, rest[j+1])
			j++
		}
	}
	out := append(slices.Clone(args[:i]), flags...)
	if slices.Contains(flags, "--help") || slices.Contains(flags, "-h") {
		return out, nil // help needs no arguments, and urfave/cli would take one as a topic
	}
	if ended || slices.ContainsFunc(positional, func(a string) bool { return strings.HasPrefix(a, "-") }) {
		out = append(out, "--")
	}
	return append(out, positional...), nil
}

// closestCommands returns args with each mistyped command word replaced by its closest
// match, saying so on stderr: what Ably's official CLI does with ABLY_CLI_NON_INTERACTIVE=true
// (suggest.RunClosest). A word with no close match, a flag or "help" ends the walk, and
// urfave/cli reports the rest as usual.
func closestCommands(app *cli.App, args []string, stderr io.Writer) []string {
	out := slices.Clone(args)
	cmds, helpName := app.Commands, app.HelpName
	for i := 1; i < len(out); i++ {
		word := out[i]
		if strings.HasPrefix(word, "-") || word == "help" || word == "h" {
			break
		}
		cmd := findCommand(cmds, word)
		if cmd == nil {
			var names []string
			for _, c := range cmds {
				if !c.Hidden {
					names = append(names, c.Names()...)
				}
			}
			closest, ok := suggest.Closest(word, names)
			if !ok {
				break
			}
			fmt.Fprintf(stderr, "%s: %q is not a command of '%s'; running %q, its closest match (%s=true)\n", app.HelpName, word, helpName, closest, suggest.EnvNonInteractive)
			out[i], cmd = closest, findCommand(cmds, closest)
		}
		helpName += " " + out[i]
		if len(cmd.Subcommands) == 0 {
			break
		}
		cmds = cmd.Subcommands
	}
	return out
}

func missingValue(name string) string { return "flag --" + name + " needs a value" }

func findCommand(cmds []*cli.Command, word string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(word) {
			return c
		}
	}
	return nil
}

// takesValue reports whether the leaf's flag called name reads the next argument as its
// value. Boolean flags, help and unknown flags (which urfave/cli will reject) do not.
func takesValue(leaf *cli.Command, name string) bool {
	for _, f := range leaf.Flags {
		if !slices.Contains(f.Names(), name) {
			continue
		}
		if _, isBool := f.(*cli.BoolFlag); isBool {
			return false
		}
		return true
	}
	return false
}

// ArgOrFlag is the value of what a command takes either as its one positional argument, as
// Ably's official CLI does (`apps create NAME`), or as --flag, as this suite does (`apps create
// --name NAME`): set is false when neither was given. what names the value in errors ("app
// name"). A second argument, or both forms with different values, is a usage error: a script
// must never act on one of two names it was given.
func ArgOrFlag(c *cli.Context, flag, what string) (value string, set bool, err error) {
	args := c.Args().Slice()
	where := c.Command.HelpName
	if len(args) > 1 {
		return "", false, exitcode.Usagef("unexpected argument %q: '%s' takes one %s, as an argument or with --%s", args[1], where, what, flag)
	}
	fromFlag, flagSet := c.String(flag), c.IsSet(flag)
	if len(args) == 0 {
		return fromFlag, flagSet, nil
	}
	if flagSet && fromFlag != args[0] {
		return "", false, exitcode.Usagef("two %ss given to '%s': %q as the argument and %q with --%s; give one", what, where, args[0], fromFlag, flag)
	}
	return args[0], true, nil
}
