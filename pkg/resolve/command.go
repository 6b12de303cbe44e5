package resolve

import (
	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/plugin"
)

// ForCommand is the Resolver of a running command: its flags (those it has), its
// environment, and the config file's warnings on its stderr.
func ForCommand(c *cli.Context) *Resolver { return New(CommandOptions(c)) }

// CommandOptions are the Options ForCommand uses, for a command that changes one.
func CommandOptions(c *cli.Context) Options { return OptionsFor(plugin.DepsOf(c), FlagsOf(c)) }

// For is the Resolver of a command run with dependencies d and flags f.
func For(d plugin.Deps, f Flags) *Resolver { return New(OptionsFor(d, f)) }

// OptionsFor are the Options For uses: f, d's environment, and the config file's warnings
// on d's output.
func OptionsFor(d plugin.Deps, f Flags) Options {
	return Options{
		Flags:  f,
		Getenv: d.Getenv,
		Now:    d.Now,
		Warn:   func(w string) { d.Out.Warnf("%s", w) },
	}
}

// FlagsOf reads the resolver's flags from a command (those it has; the rest are "").
func FlagsOf(c *cli.Context) Flags {
	return Flags{
		Profile:     c.String(FlagProfile),
		AccessToken: c.String(FlagAccessToken),
		APIKey:      c.String(FlagAPIKey),
		App:         c.String(FlagApp),
		ControlHost: c.String(FlagControlHost),
		Endpoint:    c.String(FlagEndpoint),
		Token:       c.String(FlagToken),
	}
}
