// Package plugin is what every plugin of the suite, ours or a third party's, is built on: the
// metadata subcommand the dispatcher calls, the standard flags (--profile, --json,
// --pretty-json, --verbose), output helpers, and the one mapping from errors to exit codes.
//
// A plugin is an executable named ably-<name>; `ably <name> ...` runs it. With this package:
//
//	func main() {
//		plugin.Main(plugin.Plugin{
//			Metadata: plugin.Metadata{Name: "hello", Vendor: "Example", ShortDescription: "Say hello"},
//			Commands: []*cli.Command{{Name: "greet", Action: greet}},
//		})
//	}
package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/internal/interrupt"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/suggest"
	"github.com/ably/ably-suite/pkg/version"
)

// Plugin describes a plugin: its metadata and its commands.
type Plugin struct {
	Metadata Metadata
	// Description is the longer text shown by `ably <name> --help`; ShortDescription is used
	// when it is empty.
	Description string
	Commands    []*cli.Command
}

// Main runs the plugin with the process's arguments and environment, cancels the commands'
// context on Ctrl-C or SIGTERM, and exits with the code of the outcome. The signals are
// caught from when a command first waits on its context (see package interrupt); before
// that they end the process, which costs a command that never waits nothing at start-up.
func Main(p Plugin) {
	if code, ran := execSubcommandPlugin(p, SystemEnv(), os.Args, os.Environ()); ran {
		os.Exit(code)
	}
	ctx, stop := interrupt.NotifyContext(os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, p, SystemEnv(), os.Args)
	stop()
	os.Exit(code)
}

// Run runs the plugin with args (args[0] is the program name) and returns the exit code.
// Errors are printed on env.Stderr: one line, or a JSON object when --json was given.
func Run(ctx context.Context, p Plugin, env Env, args []string) int {
	st := &state{env: env}
	app := p.app(st)
	addSubcommandPlugins(app, p.Metadata.Name, args, env)
	if completing(app, args) {
		complete(app, env, args)
		return exitcode.OK
	}
	if suggest.RunClosest(env.Getenv) {
		args = closestCommands(app, args, env.Stderr)
	}
	args, err := interspersed(app, args)
	if err == nil {
		err = app.RunContext(ctx, args)
	}
	if err == nil {
		return exitcode.OK
	}
	if ctx.Err() != nil && !isCoded(err) {
		err = exitcode.Wrap(exitcode.Interrupted, fmt.Errorf("interrupted"))
	}
	printer := st.printer
	if printer == nil { // the error came before a command set up its output
		printer = newPrinter(env, jsonFormatIn(args), false, app.HelpName)
	}
	printer.Error(err)
	return exitcode.Of(err)
}

// state is what one run of a plugin shares between the framework and its commands.
type state struct {
	env     Env
	printer *output.Printer
}

const stateKey = "ably.plugin.state"

func stateOf(c *cli.Context) *state {
	if st, ok := c.App.Metadata[stateKey].(*state); ok {
		return st
	}
	// A command run outside Run (e.g. a bare cli.App in a test) gets the real process.
	return &state{env: SystemEnv()}
}

// EnvOf is the environment of the running command.
func EnvOf(c *cli.Context) Env { return stateOf(c).env }

// Printer is the output of the running command, set up from the standard flags.
func Printer(c *cli.Context) *output.Printer {
	st := stateOf(c)
	if st.printer == nil {
		st.printer = printerFromFlags(c, st.env)
	}
	return st.printer
}

func (p Plugin) app(st *state) *cli.App {
	m := p.Metadata
	m.SchemaVersion = SchemaVersion
	if m.Version == "" {
		m.Version = version.String()
	}
	m.Commands = commandPaths(p.Commands, "")
	desc := p.Description
	if desc == "" {
		desc = m.ShortDescription
	}
	cmds := make([]*cli.Command, 0, len(p.Commands)+1)
	for _, c := range p.Commands {
		cmds = append(cmds, cloneCommand(c))
	}
	cmds = append(cmds, metadataCommand(m))
	app := &cli.App{
		Name:                 "ably-" + m.Name,
		HelpName:             "ably " + m.Name,
		Usage:                m.ShortDescription,
		Description:          desc,
		Version:              m.Version,
		HideVersion:          true,
		Commands:             cmds,
		Reader:               st.env.Stdin,
		Writer:               st.env.Stdout,
		ErrWriter:            st.env.Stderr,
		EnableBashCompletion: true,
		Suggest:              true,
		Metadata:             map[string]any{stateKey: st},
		// The framework prints errors and chooses exit codes; urfave/cli must not exit.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError:   usageError,
		Action:         unknownCommand,
		// One help for `ably <group>` and `ably <group> --help`.
		CustomAppHelpTemplate: groupHelpTemplate(m.Name),
	}
	for _, c := range cmds {
		prepare(c)
	}
	return app
}

// cloneCommand copies a command tree, so that preparing it for a run never changes the
// Plugin's own commands (a Plugin may be run more than once, e.g. by tests and docgen).
func cloneCommand(c *cli.Command) *cli.Command {
	cp := *c
	cp.Flags = slices.Clone(c.Flags)
	cp.Subcommands = make([]*cli.Command, len(c.Subcommands))
	for i, sub := range c.Subcommands {
		cp.Subcommands[i] = cloneCommand(sub)
	}
	return &cp
}

// prepare gives every command the framework's behaviour: leaf commands get the standard flags
// and their checks; commands with subcommands reject an unknown subcommand as a usage error.
func prepare(c *cli.Command) {
	c.OnUsageError = usageError
	if len(c.Subcommands) > 0 {
		if c.CustomHelpTemplate == "" {
			c.CustomHelpTemplate = parentHelpTemplate
		}
		if c.Action == nil {
			c.Action = unknownCommand
		}
		for _, sub := range c.Subcommands {
			prepare(sub)
		}
		return
	}
	if c.Name == MetadataCommand {
		return
	}
	c.Flags = append(c.Flags, StandardFlags()...)
	before := c.Before
	c.Before = func(ctx *cli.Context) error {
		if ctx.Bool(FlagJSON) && ctx.Bool(FlagPrettyJSON) {
			return exitcode.Usagef("--json and --pretty-json cannot be used together: choose one")
		}
		if before != nil {
			return before(ctx)
		}
		return nil
	}
}

func metadataCommand(m Metadata) *cli.Command {
	return &cli.Command{
		Name:   MetadataCommand,
		Hidden: true,
		Usage:  "print this plugin's metadata as JSON (for the ably dispatcher)",
		Action: func(c *cli.Context) error {
			return json.NewEncoder(c.App.Writer).Encode(m)
		},
	}
}

// unknownCommand is the action of the app and of commands with subcommands: with no
// argument it shows help; with one, the argument named no subcommand.
func unknownCommand(c *cli.Context) error {
	if !c.Args().Present() {
		return showHelp(c)
	}
	name := c.Args().First()
	where := c.App.HelpName
	if c.Command != nil && c.Command.HelpName != "" {
		where = c.Command.HelpName
	}
	msg := fmt.Sprintf("unknown command %q for '%s'", name, where)
	if s, ok := suggest.Closest(name, visibleCommands(c)); ok {
		msg += fmt.Sprintf(": did you mean %q?", s)
	}
	return exitcode.Usagef("%s (run '%s --help' for the list)", msg, where)
}

func visibleCommands(c *cli.Context) []string {
	cmds := c.App.Commands
	if c.Command != nil && len(c.Command.Subcommands) > 0 {
		cmds = c.Command.Subcommands
	}
	var names []string
	for _, cmd := range cmds {
		if !cmd.Hidden {
			names = append(names, cmd.Names()...)
		}
	}
	return names
}

// usageError turns urfave/cli's flag errors into usage errors (exit 2) with a hint.
func usageError(c *cli.Context, err error, _ bool) error {
	where := c.App.HelpName
	if c.Command != nil && c.Command.HelpName != "" {
		where = c.Command.HelpName
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		name = strings.TrimPrefix(name, "-")
		msg = fmt.Sprintf("unknown flag --%s", name)
		if c.Command != nil {
			var names []string
			for _, f := range c.Command.Flags {
				names = append(names, f.Names()...)
			}
			if s, ok := suggest.Closest(name, names); ok {
				msg += fmt.Sprintf(": did you mean --%s?", s)
			}
		}
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		msg = missingValue(strings.TrimPrefix(name, "-"))
	}
	if c.Command != nil {
		if m, ok := badFlagValue(c.Command.Flags, msg); ok {
			msg = m
		}
	}
	return exitcode.Usagef("%s (run '%s --help' for usage)", msg, where)
}

func isCoded(err error) bool {
	var e *exitcode.Error
	return errors.As(err, &e)
}
