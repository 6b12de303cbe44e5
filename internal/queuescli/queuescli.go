// Package queuescli holds the commands of the ably-queues plugin (`ably queues ...`): Ably
// queues, which integration rules of type amqp fill and consumers read over AMQP or STOMP.
package queuescli

import (
	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
)

// Plugin is the ably-queues plugin.
func Plugin() plugin.Plugin {
	return plugin.Plugin{
		Metadata: plugin.Metadata{
			Name:             "queues",
			Vendor:           "Ably",
			ShortDescription: "Manage Ably queues",
		},
		Description: `Ably queues of an app, filled by integration rules of type amqp ('ably integrations create
--type amqp --queue-id ID') and read over AMQP or STOMP with the app's API key. Listing needs
the access token's Read Queue (read:queue) capability; creating and deleting, Write Queue
(write:queue).

Examples:
   ably queues create --name orders --region eu-west-1-a
   ably queues list --details
   ably queues delete orders`,
		Commands: []*cli.Command{listCommand(), createCommand(), deleteCommand()},
	}
}

// Main runs ably-queues.
func Main() { plugin.Main(Plugin()) }

const flagShowSecret = "show-secret"

func showSecretFlag() cli.Flag {
	return &cli.BoolFlag{Name: flagShowSecret, Usage: "show any password in the AMQP and STOMP URIs instead of ****, in human and JSON output"}
}

func noArgs(c *cli.Context) error {
	if c.Args().Present() {
		return exitcode.Usagef("unexpected argument %q: '%s' takes no arguments (name the app with --app)", c.Args().First(), c.Command.HelpName)
	}
	return nil
}
