// Package authcli holds the commands of the ably-auth plugin (`ably auth ...`).
package authcli

import (
	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/plugin"
)

// Plugin is the ably-auth plugin.
func Plugin() plugin.Plugin {
	return plugin.Plugin{
		Metadata: plugin.Metadata{
			Name:             "auth",
			Vendor:           "Ably",
			ShortDescription: "Issue Ably tokens and JWTs from an API key",
		},
		Description: "Issue Ably JWTs signed with an app's API key, for clients of Ably's realtime and REST APIs.",
		Commands:    []*cli.Command{issueJWTTokenCommand()},
	}
}

// Main runs ably-auth.
func Main() { plugin.Main(Plugin()) }
