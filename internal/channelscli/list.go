package channelscli

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
)

const defaultListLimit = 100

func listCommand() *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "List the app's active channels",
		Description: `Lists the channels active now (with messages in flight, attached clients or presence
members), sorted by name, following the API's pages until --limit. Needs the channel-metadata
capability.
` + credentialHelp + `

Examples:
   ably channels list
   ably channels list --prefix chat: --limit 500
   ably channels list --json | jq -r '.channels[]'`,
		Flags: flags(
			&cli.StringFlag{Name: "prefix", Aliases: []string{"p"}, Usage: "only channels whose names start with `PREFIX`"},
			&cli.IntFlag{Name: "limit", Value: defaultListLimit, Usage: "show at most `N` channels (1 to 10000)"},
		),
		Action: plugin.Action(listOptionsOf, runList),
	}
}

type listOptions struct {
	Data   dataplane.Settings
	Prefix string
	Limit  int
}

func listOptionsOf(c *cli.Context) (listOptions, error) {
	s, err := dataplane.SettingsOf(c)
	if err != nil {
		return listOptions{}, err
	}
	if _, err := args(c); err != nil {
		return listOptions{}, err
	}
	o := listOptions{Data: s, Prefix: c.String("prefix"), Limit: c.Int("limit")}
	if o.Limit < 1 || o.Limit > maxHistoryLimit {
		return o, exitcode.Usagef("--limit must be between 1 and %d, got %d", maxHistoryLimit, o.Limit)
	}
	return o, nil
}

func runList(ctx context.Context, d plugin.Deps, o listOptions) error {
	c, err := dataplane.Open(d, o.Data)
	if err != nil {
		return err
	}
	names, more, err := c.Channels(ctx, o.Prefix, o.Limit)
	if err != nil {
		return err
	}
	if d.Out.IsJSON() {
		return d.Out.JSON(struct {
			Channels []string `json:"channels"`
			HasMore  bool     `json:"hasMore"`
		}{append([]string{}, names...), more})
	}
	what := plural(len(names), "active channel")
	if o.Prefix != "" {
		what += fmt.Sprintf(" starting with %q", o.Prefix)
	}
	d.Out.Heading(what)
	for _, n := range names {
		if err := d.Out.Printf("%s\n", n); err != nil {
			return err
		}
	}
	if more {
		d.Out.Warnf("more channels than --limit %d: raise --limit, or narrow --prefix", o.Limit)
	}
	return nil
}
