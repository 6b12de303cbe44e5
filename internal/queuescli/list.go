package queuescli

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func listCommand() *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "List the app's queues (needs Read Queue)",
		Description: `One line per queue: ID, name, region, state, TTL, maximum length, and messages (ready/total).
--details shows each queue in full instead, with its AMQP and STOMP endpoints, message counts,
rates and dead-letter queue.

Examples:
   ably queues list
   ably queues list --app prod --details
   ably queues list --json`,
		Flags: append([]cli.Flag{
			session.AppFlag(),
			&cli.BoolFlag{Name: "details", Aliases: []string{"l"}, Usage: "show every field of each queue, with its AMQP and STOMP endpoints"},
			showSecretFlag(),
		}, session.Flags()...),
		Action: plugin.Action(listOptionsOf, runList),
	}
}

// listOptions are what `queues list` was asked.
type listOptions struct {
	Session    session.Settings
	Details    bool
	ShowSecret bool
}

func listOptionsOf(c *cli.Context) (listOptions, error) {
	return listOptions{Session: session.SettingsOf(c), Details: c.Bool("details"), ShowSecret: c.Bool(flagShowSecret)}, noArgs(c)
}

func runList(ctx context.Context, d plugin.Deps, o listOptions) error {
	out := d.Out
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.ReadQueue, "list queues")
	if err != nil {
		return err
	}
	queues, err := s.Client.ListQueues(ctx, ref.ID)
	if err != nil {
		return err
	}
	if queues == nil {
		queues = []control.Queue{}
	}
	if !o.ShowSecret {
		for i := range queues {
			queues[i] = maskQueue(queues[i])
		}
	}
	if out.IsJSON() {
		return out.JSON(queues)
	}
	if len(queues) == 0 {
		out.Printf("No queues in app %s: create one with 'ably queues create --name NAME'.\n", ref.Label())
		return nil
	}
	if o.Details {
		for i, q := range queues {
			if i > 0 {
				fmt.Fprintln(out.Out)
			}
			if err := out.Details(queueDetails(q)); err != nil {
				return err
			}
		}
		return nil
	}
	rows := make([][]string, len(queues))
	for i, q := range queues {
		rows[i] = queueRow(q)
	}
	return out.Table(queueHeader, rows)
}
