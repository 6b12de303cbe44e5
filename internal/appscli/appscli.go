// Package appscli holds the commands of the ably-apps plugin (`ably apps ...`): apps, their
// channel rules (the Control API's namespaces) and their push notification credentials.
package appscli

import (
	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/plugin"
)

// Plugin is the ably-apps plugin.
func Plugin() plugin.Plugin {
	return plugin.Plugin{
		Metadata: plugin.Metadata{
			Name:             "apps",
			Vendor:           "Ably",
			ShortDescription: "Manage apps, channel rules and push certificates",
		},
		Description: `Create, list, update and delete the apps of an Ably account with the Control API, choose
the profile's current app, and manage each app's channel rules and push credentials.

Examples:
   ably apps list
   ably apps create --name "My App"
   ably apps switch "My App"
   ably apps channel-rules create --name chat --persisted
   ably apps delete --app "My App" --force`,
		Commands: []*cli.Command{
			listCommand(), createCommand(), updateCommand(), deleteCommand(),
			switchCommand(), currentCommand(),
			channelRulesCommand(), setAPNsP12Command(),
		},
	}
}

// Main runs ably-apps.
func Main() { plugin.Main(Plugin()) }
