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
			ShortDescription: "Issue and revoke Ably tokens and JWTs, and manage API keys",
		},
		Description: groupDescription,
		Commands:    []*cli.Command{issueJWTTokenCommand(), issueAblyTokenCommand(), revokeTokenCommand(), inspectTokenCommand(), keysCommand()},
	}
}

// groupDescription is the group's help, with examples.
const groupDescription = `Issue Ably JWTs and Ably tokens signed with an app's API key, revoke tokens, and manage an
app's API keys.

Examples:
   ably auth issue-jwt-token --capability '{"chat:*":["publish","subscribe"]}' --ttl 3600
   ably auth issue-ably-token --client-id client123 --token-only
   ably auth revoke-token --client-id client123
   ably auth inspect-token --channel chat:1 --operation publish
   ably auth keys list`

// Main runs ably-auth.
func Main() { plugin.Main(Plugin()) }
