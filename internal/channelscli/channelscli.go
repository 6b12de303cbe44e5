// Package channelscli holds the commands of the ably-channels plugin (`ably channels ...`):
// Ably channels over the REST API and the Realtime protocol, authenticated with an API key
// or a token (pkg/dataplane, internal/live).
package channelscli

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
)

// credentialHelp is what every command's help says about authentication.
const credentialHelp = `Authenticates with a token (--token, else ABLY_TOKEN: an Ably token or an Ably JWT) or an API
key (--api-key, else ABLY_API_KEY, else the profile's key for the app). With an Ably JWT, a call
the token cannot make (expired, or outside its capability) is refused before anything is sent.`

// Plugin is the ably-channels plugin.
func Plugin() plugin.Plugin {
	return plugin.Plugin{
		Metadata: plugin.Metadata{
			Name:             "channels",
			Vendor:           "Ably",
			ShortDescription: "Publish to, subscribe to and read Ably channels",
		},
		Description: `Ably Pub/Sub channels: publish, subscribe, history, presence (get, enter, subscribe),
occupancy, batch publishes, mutable messages and annotations, over the REST API or, for
subscriptions, presence and publishing --count, a Realtime connection.
` + credentialHelp + `

Examples:
   ably channels subscribe my-first-channel
   ably channels publish my-first-channel 'Hello!'
   ably channels publish --count 5 my-first-channel "Message number {{.Count}}"
   ably channels history my-first-channel
   ABLY_TOKEN="$(ably auth issue-jwt-token --token-only)" ably channels publish my-channel "Hello"`,
		Commands: []*cli.Command{
			publishCommand(), subscribeCommand(), historyCommand(), listCommand(), batchPublishCommand(),
			presenceCommand(), occupancyCommand(),
			getMessageCommand(), updateCommand(), appendCommand(), deleteCommand(),
			annotationsCommand(),
		},
	}
}

// Main runs ably-channels.
func Main() { plugin.Main(Plugin()) }

// args reads exactly the positional arguments named (e.g. "CHANNEL", "MESSAGE"), none empty.
func args(c *cli.Context, names ...string) ([]string, error) {
	usage := c.Command.HelpName + " " + strings.Join(names, " ")
	if c.NArg() != len(names) {
		if c.NArg() < len(names) {
			return nil, exitcode.Usagef("missing %s: usage: %s", names[c.NArg()], usage)
		}
		return nil, exitcode.Usagef("unexpected argument %q: usage: %s", c.Args().Get(len(names)), usage)
	}
	out := c.Args().Slice()
	for i, a := range out {
		if a == "" && names[i] != "MESSAGE" {
			return nil, exitcode.Usagef("%s is empty: usage: %s", names[i], usage)
		}
	}
	return out, nil
}

// flags are the data-plane flags followed by the command's own.
func flags(own ...cli.Flag) []cli.Flag { return append(dataplane.Flags(), own...) }
