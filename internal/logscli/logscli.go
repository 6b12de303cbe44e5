// Package logscli holds the commands of the ably-logs plugin (`ably logs ...`): the app's
// logs, which Ably publishes on its [meta] channels, read over the REST API.
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
	connectionLog = "[meta]connection.lifecycle"
	pushLog       = "[meta]log:push"
)

// Plugin is the ably-logs plugin.
func Plugin() plugin.Plugin {
	return plugin.Plugin{
		Metadata: plugin.Metadata{
			Name:             "logs",
			Vendor:           "Ably",
			ShortDescription: "Read the app's logs",
		},
		Description: `The app's logs, as Ably publishes them on its [meta] channels: errors and events of the app
(` + appLog + `), connection lifecycle (` + connectionLog + `) and push deliveries (` + pushLog + `).
Reading them needs the history capability on those channels: "*" does not reach [meta]
channels, so the key or token needs a resource such as "[meta]*".

Examples:
   ably logs history
   ably logs connection-lifecycle history --limit 200
   ably logs push history --start 1h --json`,
		Commands: []*cli.Command{
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
					"ably logs connection-lifecycle history", "ably logs connection-lifecycle history --start 1h --json")},
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
					"ably logs push history", "ably logs push history --limit 20 --json")},
			},
		},
	}
}

// Main runs ably-logs.
func Main() { plugin.Main(Plugin()) }
