// Package statscli holds the commands of the ably-stats plugin (`ably stats ...`): account
// and app statistics from the Control API, once or live.
package statscli

import (
	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/plugin"
)

// Plugin is the ably-stats plugin.
func Plugin() plugin.Plugin { return commands{newTicker: newTimeTicker}.plugin() }

// plugin is the ably-stats plugin with k's run functions.
func (k commands) plugin() plugin.Plugin {
	return plugin.Plugin{
		Metadata: plugin.Metadata{
			Name:             "stats",
			Vendor:           "Ably",
			ShortDescription: "Show account and app statistics",
		},
		Description: groupDescription,
		Commands:    []*cli.Command{k.account(), k.app()},
	}
}

// groupDescription is the group's help, with examples.
const groupDescription = `Account and app statistics from the Control API, interval by interval: once, or live until
Ctrl-C. Needs an access token with Read Stats (read:stats).

Examples:
   ably stats account --unit day --limit 7
   ably stats app --app my-app --start 6h
   ably stats app --live --interval 5s`

// Main runs ably-stats.
func Main() { plugin.Main(Plugin()) }
