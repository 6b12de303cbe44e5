package plugin

import (
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/output"
)

// The standard flags every command of a plugin has.
const (
	FlagProfile    = "profile"
	FlagJSON       = "json"
	FlagPrettyJSON = "pretty-json"
	FlagVerbose    = "verbose"
)

// StandardFlags are added to every command by the framework. --profile and --verbose also
// come from ABLY_PROFILE and ABLY_VERBOSE, which the dispatcher sets from its own global
// flags (ably --profile work apps list).
func StandardFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: FlagProfile, Usage: "use the profile (account alias) `NAME` instead of the current one (env ABLY_PROFILE)"},
		&cli.BoolFlag{Name: FlagJSON, Usage: "output results as compact JSON (mutually exclusive with --pretty-json)"},
		&cli.BoolFlag{Name: FlagPrettyJSON, Usage: "output results as formatted JSON (mutually exclusive with --json)"},
		&cli.BoolFlag{Name: FlagVerbose, Aliases: []string{"v"}, Usage: "log what the command does on stderr (env ABLY_VERBOSE)"},
	}
}

// Profile is the profile the user selected: --profile, else ABLY_PROFILE ("" for the
// config file's current account).
func Profile(c *cli.Context) string {
	if p := c.String(FlagProfile); p != "" {
		return p
	}
	return EnvOf(c).Getenv("ABLY_PROFILE")
}

func printerFromFlags(c *cli.Context, env Env) *output.Printer {
	format := output.Human
	switch {
	case c.Bool(FlagJSON):
		format = output.JSON
	case c.Bool(FlagPrettyJSON):
		format = output.PrettyJSON
	}
	verbose := c.Bool(FlagVerbose) || Truthy(env.Getenv("ABLY_VERBOSE"))
	return newPrinter(env, format, verbose, c.App.HelpName)
}

func newPrinter(env Env, format output.Format, verbose bool, prog string) *output.Printer {
	return &output.Printer{
		Out: env.Stdout, Err: env.Stderr, Format: format, Verbose: verbose, Prog: prog,
		Color: output.ColorAllowed(env.StdoutTTY, env.Getenv), Terminal: env.StdoutTTY,
	}
}

// jsonFormatIn finds --json or --pretty-json in raw arguments, for errors raised before the
// flags were parsed.
func jsonFormatIn(args []string) output.Format {
	for _, a := range args {
		switch a {
		case "--" + FlagJSON, "-" + FlagJSON:
			return output.JSON
		case "--" + FlagPrettyJSON, "-" + FlagPrettyJSON:
			return output.PrettyJSON
		case "--":
			return output.Human
		}
	}
	return output.Human
}

// Truthy reports whether an environment value means "on" (1, true, ...).
func Truthy(s string) bool {
	b, err := strconv.ParseBool(s)
	return err == nil && b
}
