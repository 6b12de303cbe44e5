package resolve

import (
	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/plugin"
)

// ForCommand is the Resolver of a running command: its flags (those it has), its
// environment, and the config file's warnings on its stderr.
func ForCommand(c *cli.Context) *Resolver { return New(CommandOptions(c)) }

// CommandOptions are the Options ForCommand uses, for a command that changes one.
func CommandOptions(c *cli.Context) Options {
	return Options{
		Flags: Flags{
			Profile:     c.String(FlagProfile),
			AccessToken: c.String(FlagAccessToken),
			APIKey:      c.String(FlagAPIKey),
			App:         c.String(FlagApp),
			ControlHost: c.String(FlagControlHost),
			Endpoint:    c.String(FlagEndpoint),
		},
		Getenv: plugin.EnvOf(c).Getenv,
		Warn:   func(w string) { plugin.Printer(c).Warnf("%s", w) },
	}
}
