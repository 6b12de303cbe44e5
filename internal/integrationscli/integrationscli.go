// Package integrationscli holds the commands of the ably-integrations plugin (`ably integrations ...`):
// integration rules, which send an app's channel events to webhooks, queues and streams,
// run before-publish checks, or bring database changes into Ably.
package integrationscli

import (
	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
)

// Plugin is the ably-integrations plugin.
func Plugin() plugin.Plugin {
	return plugin.Plugin{
		Metadata: plugin.Metadata{
			Name:             "integrations",
			Vendor:           "Ably",
			ShortDescription: "Manage integration rules (webhooks, queues, streams)",
		},
		Description: `Integration rules of an app: webhooks (http, IFTTT, Zapier, Cloudflare Workers, Azure and
Google Cloud functions), AWS Lambda, Kinesis and SQS, Ably queues and external AMQP, Kafka,
Pulsar, before-publish checks and moderation, and database ingress. Reading rules needs the
access token's Read Integration (read:rule) capability; changing them, Write Integration
(write:rule).

Examples:
   ably integrations list
   ably integrations create --type http --url https://example.com/hook
   ably integrations update 83IzAB --status disabled
   ably integrations delete 83IzAB`,
		Commands: []*cli.Command{listCommand(), getCommand(), createCommand(), updateCommand(), deleteCommand()},
	}
}

// Main runs ably-integrations.
func Main() { plugin.Main(Plugin()) }

// ruleIDArg is the one argument naming a rule.
func ruleIDArg(c *cli.Context) (string, error) {
	switch c.NArg() {
	case 0:
		return "", exitcode.Usagef("missing the rule ID: '%s ID' (see 'ably integrations list')", c.Command.HelpName)
	case 1:
		if c.Args().First() == "" {
			return "", exitcode.Usagef("the rule ID is empty (see 'ably integrations list')")
		}
		return c.Args().First(), nil
	}
	return "", exitcode.Usagef("unexpected argument %q: give one rule ID", c.Args().Get(1))
}

// noArgs refuses arguments to a command that takes none.
func noArgs(c *cli.Context) error {
	if c.Args().Present() {
		return exitcode.Usagef("unexpected argument %q: '%s' takes no arguments (name the app with --app)", c.Args().First(), c.Command.HelpName)
	}
	return nil
}
