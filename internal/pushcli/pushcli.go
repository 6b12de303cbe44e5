// Package pushcli holds the commands of the ably-push plugin (`ably push ...`): an app's push
// notification configuration, the credentials Ably uses to deliver through Apple (APNs) and
// Google (Firebase Cloud Messaging). The push admin commands (devices, channel
// subscriptions, publishing) are to join it later.
package pushcli

import (
	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
)

// Plugin is the ably-push plugin.
func Plugin() plugin.Plugin {
	return plugin.Plugin{
		Metadata: plugin.Metadata{
			Name:             "push",
			Vendor:           "Ably",
			ShortDescription: "Manage an app's push notification configuration (APNs, FCM)",
		},
		Description: `The credentials an app's push notifications are delivered with: Apple's APNs (a .p12
certificate, or a .p8 token signing key) and Google's Firebase Cloud Messaging (a service
account). Showing needs the access token's Read App (read:app) capability; setting and
clearing, Write App (write:app). Credential files are checked here before anything is sent,
and no secret (a .p12 password, a key, the service account) is ever printed. The push admin
commands (devices, channel subscriptions, publishing) will join this group later.

Examples:
   ably push config show
   ably push config set-apns --certificate push.p12
   ably push config set-apns --key-file AuthKey_ABC123DEFG.p8 --key-id ABC123DEFG --team-id TEAMID1234 --topic com.example.app
   ably push config set-fcm --service-account firebase.json
   ably push config clear-apns --force`,
		Commands: []*cli.Command{configCommand()},
	}
}

// Main runs ably-push.
func Main() { plugin.Main(Plugin()) }

func configCommand() *cli.Command {
	return &cli.Command{
		Name:  "config",
		Usage: "Show, set and clear an app's push credentials (APNs, FCM)",
		Description: `The app's APNs and FCM configuration, as the Control API keeps it: secrets (certificates,
keys, service accounts) can be set and cleared, never read back; 'show' says whether each is
configured.

Examples:
   ably push config show --app "My App"
   ably push config set-apns --certificate push.p12 --sandbox
   ably push config set-fcm --service-account firebase.json --json
   ably push config clear-fcm --force`,
		Subcommands: []*cli.Command{showCommand(), setAPNsCommand(), setFCMCommand(), clearAPNsCommand(), clearFCMCommand()},
	}
}

func noArgs(c *cli.Context, hint string) error {
	if c.Args().Present() {
		return exitcode.Usagef("unexpected argument %q: '%s' takes no arguments (%s)", c.Args().First(), c.Command.HelpName, hint)
	}
	return nil
}
