// Package logscli holds the commands of the ably-logs plugin (`ably logs ...`): the app's
// logs, which Ably publishes on its [meta] channels, read over the REST API or followed
// over a Realtime connection.
package logscli

import (
	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/internal/channelscli"
	"github.com/ably/ably-suite/pkg/plugin"
)

// The [meta] channels Ably logs to. A capability reaches them only through a [meta] or [*]
// resource: "*" does not (so a key or token needs e.g. {"[meta]*":["history"]}).
const (
	appLog        = "[meta]log"
	channelLog    = "[meta]channel.lifecycle"
	connectionLog = "[meta]connection.lifecycle"
	pushLog       = "[meta]log:push"
)

// appLogTypes are the names of the app log's messages, what logs subscribe --type takes.
var appLogTypes = []string{"channel.lifecycle", "channel.occupancy", "channel.presence", "connection.lifecycle", "push.publish"}

// Plugin is the ably-logs plugin.
func Plugin() plugin.Plugin {
	return plugin.Plugin{
		Metadata: plugin.Metadata{
			Name:             "logs",
			Vendor:           "Ably",
			ShortDescription: "Read and follow the app's logs",
		},
		Description: `The app's logs, as Ably publishes them on its [meta] channels: errors and events of the app
(` + appLog + `), channel lifecycle (` + channelLog + `), connection lifecycle (` + connectionLog + `) and
push deliveries (` + pushLog + `): their history over the REST API, or followed live over a Realtime
connection. Reading them needs the history or subscribe capability on those channels: "*"
does not reach [meta] channels, so the key or token needs a resource such as "[meta]*"
(a key's own Realtime tokens ask for "[*]*").

Examples:
   ably logs history
   ably logs subscribe --type channel.lifecycle,connection.lifecycle
   ably logs connection-lifecycle history --limit 200
   ably logs push history --start 1h --json`,
		Commands: []*cli.Command{
			channelscli.FixedSubscribeCommand("subscribe", "Follow the app log as it is written", appLog,
				`Prints the messages of the app log (`+appLog+`) as Ably writes them, or with --type only those
of the types named, until Ctrl-C, --duration or --count messages.`, appLogTypes,
				"ably logs subscribe", "ably logs subscribe --type channel.lifecycle --json", "ably logs subscribe --rewind 10 --count 10"),
			channelscli.FixedHistoryCommand("history", "Show the app log's history", appLog, `Shows the messages of the app log (`+appLog+`): errors and events Ably reports for the app,
newest first unless --direction forwards, following pages until --limit.`,
				"ably logs history", "ably logs history --limit 500 --direction forwards", "ably logs history --start 30m --json"),
			{
				Name:  "connection-lifecycle",
				Usage: "Read the connection lifecycle log",
				Description: `Connections opening, closing and failing, as Ably logs them on ` + connectionLog + `.

Examples:
   ably logs connection-lifecycle history`,
				Subcommands: []*cli.Command{channelscli.FixedHistoryCommand("history", "Show the connection lifecycle log's history", connectionLog,
					`Shows the messages of the connection lifecycle log (`+connectionLog+`), newest first unless
--direction forwards, following pages until --limit.`,
					"ably logs connection-lifecycle history", "ably logs connection-lifecycle history --start 1h --json"),
					channelscli.FixedSubscribeCommand("subscribe", "Follow the connection lifecycle log", connectionLog,
						`Prints connections opening and closing as Ably logs them on `+connectionLog+`, until Ctrl-C,
--duration or --count messages.`, nil,
						"ably logs connection-lifecycle subscribe", "ably logs connection-lifecycle subscribe --json")},
			},
			{
				Name:  "channel-lifecycle",
				Usage: "Follow the channel lifecycle log",
				Description: `Channels becoming active and inactive, as Ably logs them on ` + channelLog + `.

Examples:
   ably logs channel-lifecycle subscribe`,
				Subcommands: []*cli.Command{channelscli.FixedSubscribeCommand("subscribe", "Follow the channel lifecycle log", channelLog,
					`Prints channels opening and closing as Ably logs them on `+channelLog+`, until Ctrl-C,
--duration or --count messages.`, nil,
					"ably logs channel-lifecycle subscribe", "ably logs channel-lifecycle subscribe --rewind 5 --json")},
			},
			{
				Name:  "push",
				Usage: "Read the push notification log",
				Description: `Push notification deliveries and failures, as Ably logs them on ` + pushLog + `.

Examples:
   ably logs push history`,
				Subcommands: []*cli.Command{channelscli.FixedHistoryCommand("history", "Show the push log's history", pushLog,
					`Shows the messages of the push log (`+pushLog+`), newest first unless --direction forwards,
following pages until --limit.`,
					"ably logs push history", "ably logs push history --limit 20 --json"),
					channelscli.FixedSubscribeCommand("subscribe", "Follow the push log", pushLog,
						`Prints push deliveries and failures as Ably logs them on `+pushLog+`, until Ctrl-C,
--duration or --count messages.`, nil,
						"ably logs push subscribe", "ably logs push subscribe --json")},
			},
		},
	}
}

// Main runs ably-logs.
func Main() { plugin.Main(Plugin()) }
