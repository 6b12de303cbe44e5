package channelscli

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
)

func presenceCommand() *cli.Command {
	return &cli.Command{
		Name:  "presence",
		Usage: "Read, enter and follow a channel's presence",
		Description: `The members present on a channel: who is there now (over the REST API), entering presence,
and following who comes and goes (over a Realtime connection).

Examples:
   ably channels presence get my-first-channel
   ably channels presence enter my-first-channel --data '{"status":"learning about Ably!"}'
   ably channels presence subscribe my-first-channel`,
		Subcommands: []*cli.Command{{
			Name:      "get",
			Usage:     "Show the members present on a channel",
			ArgsUsage: "CHANNEL",
			Description: `Shows the members present on CHANNEL now, following the API's pages until --limit. Needs
the subscribe capability.
` + credentialHelp + `

Examples:
   ably channels presence get my-first-channel
   ably channels presence get my-channel --client-id-filter alice --json`,
			Flags: flags(
				&cli.IntFlag{Name: "limit", Value: defaultListLimit, Usage: "show at most `N` members (1 to 10000)"},
				&cli.StringFlag{Name: "client-id-filter", Usage: "only the members of client `ID`"},
				&cli.StringFlag{Name: "connection-id", Usage: "only the members of connection `ID`"},
			),
			Action: plugin.Action(presenceOptionsOf, runPresence),
		}, presenceEnterCommand(), presenceSubscribeCommand()},
	}
}

type presenceOptions struct {
	channelOptions
	Limit                  int
	ClientID, ConnectionID string
}

func presenceOptionsOf(c *cli.Context) (presenceOptions, error) {
	ch, err := channelOptionsOf(c)
	o := presenceOptions{channelOptions: ch, Limit: c.Int("limit"), ClientID: c.String("client-id-filter"), ConnectionID: c.String("connection-id")}
	if err == nil && (o.Limit < 1 || o.Limit > maxHistoryLimit) {
		err = exitcode.Usagef("--limit must be between 1 and %d, got %d", maxHistoryLimit, o.Limit)
	}
	return o, err
}

type memberJSON struct {
	dataplane.PresenceMessage
	Action string `json:"action"`
	Time   string `json:"time,omitempty"`
}

func runPresence(ctx context.Context, d plugin.Deps, o presenceOptions) error {
	c, err := dataplane.Open(d, o.Data)
	if err != nil {
		return err
	}
	members, more, err := c.Presence(ctx, o.Channel, o.ClientID, o.ConnectionID, o.Limit)
	if err != nil {
		return err
	}
	if d.Out.IsJSON() {
		r := struct {
			Channel string       `json:"channel"`
			Members []memberJSON `json:"members"`
			HasMore bool         `json:"hasMore"`
		}{o.Channel, make([]memberJSON, len(members)), more}
		for i, m := range members {
			r.Members[i] = memberJSON{PresenceMessage: m, Action: m.Action.String(), Time: isoMillis(m.Timestamp)}
		}
		return d.Out.JSON(r)
	}
	d.Out.Heading(fmt.Sprintf("%s present on channel %q", plural(len(members), "member"), o.Channel))
	for i, m := range members {
		if err := d.Out.Printf("\n[%d]\n", i+1); err != nil {
			return err
		}
		if err := d.Out.Details([]output.Field{
			{Label: "Client ID", Value: output.OrDash(m.ClientID)},
			{Label: "Connection ID", Value: output.OrDash(m.ConnectionID)},
			{Label: "Action", Value: m.Action.String()},
			{Label: "Since", Value: output.OrDash(isoMillis(m.Timestamp))},
			{Label: "Data", Value: dataText(m.Data)},
		}); err != nil {
			return err
		}
	}
	if more {
		d.Out.Warnf("more members than --limit %d: raise --limit", o.Limit)
	}
	return nil
}
