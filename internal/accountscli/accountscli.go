// Package accountscli holds the commands of the ably-accounts plugin (`ably accounts ...`):
// profiles, each an account alias with its access token.
package accountscli

import (
	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/plugin"
)

// Plugin is the ably-accounts plugin.
func Plugin() plugin.Plugin {
	return plugin.Plugin{
		Metadata: plugin.Metadata{
			Name:             "accounts",
			Vendor:           "Ably",
			ShortDescription: "Log in with access tokens and switch between accounts",
		},
		Description: groupDescription,
		Commands:    []*cli.Command{loginCommand(), listCommand(), switchCommand(), currentCommand(), logoutCommand()},
	}
}

// groupDescription is the group's help, with examples.
const groupDescription = `Each profile is an account alias holding an access token, stored in the config file shared
with Ably's official CLI.

Examples:
   ably accounts login --alias work
   ably accounts list
   ably accounts switch work
   ably accounts current`

// Main runs ably-accounts.
func Main() { plugin.Main(Plugin()) }
