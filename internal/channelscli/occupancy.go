package channelscli

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/plugin"
)

func occupancyCommand() *cli.Command {
	return &cli.Command{
		Name:  "occupancy",
		Usage: "Read and follow a channel's occupancy",
		Description: `A channel's occupancy metrics: connections, publishers, subscribers and presence.

Examples:
   ably channels occupancy get my-channel
   ably channels occupancy subscribe my-channel`,
		Subcommands: []*cli.Command{{
			Name:      "get",
			Usage:     "Show how many connections, publishers, subscribers and presence members a channel has",
			ArgsUsage: "CHANNEL",
			Description: `Shows CHANNEL's occupancy metrics now. Needs the channel-metadata capability.
` + credentialHelp + `

Examples:
   ably channels occupancy get my-channel
   ably channels occupancy get my-channel --json`,
			Flags:  flags(),
			Action: plugin.Action(channelOptionsOf, runOccupancy),
		}, occupancySubscribeCommand()},
	}
}

// channelOptions are a command's data-plane settings and its one CHANNEL.
type channelOptions struct {
	Data    dataplane.Settings
	Channel string
}

func channelOptionsOf(c *cli.Context) (channelOptions, error) {
	s, err := dataplane.SettingsOf(c)
	if err != nil {
		return channelOptions{}, err
	}
	a, err := args(c, "CHANNEL")
	if err != nil {
		return channelOptions{}, err
	}
	return channelOptions{Data: s, Channel: a[0]}, nil
}

func runOccupancy(ctx context.Context, d plugin.Deps, o channelOptions) error {
	c, err := dataplane.Open(d, o.Data)
	if err != nil {
		return err
	}
	st, err := c.Status(ctx, o.Channel)
	if err != nil {
		return err
	}
	m := st.Status.Occupancy.Metrics
	if d.Out.IsJSON() {
		return d.Out.JSON(struct {
			Channel  string            `json:"channel"`
			IsActive bool              `json:"isActive"`
			Metrics  dataplane.Metrics `json:"metrics"`
		}{o.Channel, st.Status.IsActive, m})
	}
	active := "active"
	if !st.Status.IsActive {
		active = "not active"
	}
	d.Out.Heading(fmt.Sprintf("Occupancy of channel %q (%s)", o.Channel, active))
	return d.Out.Details(metricsFields(m))
}
