package channelscli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/internal/live"
	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/realtime"
	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// occupancyEvent is the name of the messages occupancy updates come as on a channel
// attached with the occupancy=metrics param.
const occupancyEvent = "[meta]occupancy"

func occupancySubscribeCommand() *cli.Command {
	return &cli.Command{
		Name:      "subscribe",
		Usage:     "Follow a channel's occupancy as it changes",
		ArgsUsage: "CHANNEL",
		Description: `Attaches to CHANNEL with occupancy events on and prints its metrics (connections,
publishers, subscribers, presence) each time they change, until Ctrl-C, --duration or --count
updates. Needs the subscribe capability.
` + realtimeHelp + `

Examples:
   ably channels occupancy subscribe my-channel
   ably channels occupancy subscribe my-channel --count 1 --json`,
		Flags:  flags(live.LimitFlags("updates")...),
		Action: plugin.Action(presenceLiveOptionsOf, runOccupancySubscribe),
	}
}

type occupancyJSON struct {
	Channel string            `json:"channel"`
	Metrics dataplane.Metrics `json:"metrics"`
	Time    string            `json:"time,omitempty"`
}

func runOccupancySubscribe(ctx context.Context, d plugin.Deps, o presenceLiveOptions) error {
	s, err := live.Open(ctx, d, o.Data, "subscribe", o.Channel)
	if err != nil {
		return err
	}
	count := o.Limits.Counter()
	ch := s.Channel(o.Channel, realtime.ChannelOptions{Modes: proto.FlagSubscribe,
		Params: map[string]string{"occupancy": "metrics"},
		OnMessage: func(ev realtime.MessageEvent) {
			if ev.Name != occupancyEvent {
				return
			}
			var body struct {
				Metrics dataplane.Metrics `json:"metrics"`
			}
			if err := json.Unmarshal(ev.Data.JSON(), &body); err != nil {
				s.Emit(func() bool { d.Out.Warnf("an occupancy update that is not metrics: %v", err); return false })
				return
			}
			s.Emit(func() bool {
				printOccupancy(d, occupancyJSON{Channel: ev.Channel, Metrics: body.Metrics, Time: isoMillis(ev.Timestamp)})
				return count.Add()
			})
		}})
	return s.Listen(ctx, o.Limits, fmt.Sprintf("Subscribed to the occupancy of channel %q; waiting for updates", o.Channel), ch)
}

func printOccupancy(d plugin.Deps, o occupancyJSON) {
	if d.Out.IsJSON() {
		_ = d.Out.JSON(o)
		return
	}
	d.Out.Heading(fmt.Sprintf("[%s] occupancy of channel %s", output.OrDash(o.Time), o.Channel))
	_ = d.Out.Details(metricsFields(o.Metrics))
	_ = d.Out.Printf("\n")
}

// metricsFields are occupancy metrics as labelled lines.
func metricsFields(m dataplane.Metrics) []output.Field {
	n := strconv.Itoa
	return []output.Field{
		{Label: "Connections", Value: n(m.Connections)},
		{Label: "Publishers", Value: n(m.Publishers)},
		{Label: "Subscribers", Value: n(m.Subscribers)},
		{Label: "Presence connections", Value: n(m.PresenceConnections)},
		{Label: "Presence members", Value: n(m.PresenceMembers)},
		{Label: "Presence subscribers", Value: n(m.PresenceSubscribers)},
		{Label: "Object publishers", Value: n(m.ObjectPublishers)},
		{Label: "Object subscribers", Value: n(m.ObjectSubscribers)},
	}
}
