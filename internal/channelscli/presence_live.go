package channelscli

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/internal/live"
	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/realtime"
	"github.com/ably/ably-suite/pkg/realtime/proto"
)

func presenceEnterCommand() *cli.Command {
	return &cli.Command{
		Name:      "enter",
		Usage:     "Enter a channel's presence and stay until stopped",
		ArgsUsage: "CHANNEL",
		Description: `Enters the presence of CHANNEL as the client ID (--client-id; with a key, a generated
ably-cli-<8 hex> by default), with --data (JSON, or text), and stays present until Ctrl-C or
--duration, then leaves. A lost connection is resumed, and the client entered again if the
service lost track of it. --show-others prints the other members as they come and go, as
'presence subscribe' does. Needs the presence capability.
` + realtimeHelp + `

Examples:
   ably channels presence enter my-first-channel --data '{"status":"learning about Ably!"}'
   ably channels presence enter my-channel --client-id alice --show-others
   ably channels presence enter my-channel --duration 30 --json`,
		Flags: flags(append(live.LimitFlags(""),
			&cli.StringFlag{Name: "data", Usage: "the member's `DATA`: JSON, or text"},
			&cli.BoolFlag{Name: "show-others", Usage: "print the other members' presence events"},
		)...),
		Action: plugin.Action(presenceLiveOptionsOf, runPresenceEnter),
	}
}

func presenceSubscribeCommand() *cli.Command {
	return &cli.Command{
		Name:      "subscribe",
		Usage:     "Show who is present on a channel, and who comes and goes",
		ArgsUsage: "CHANNEL",
		Description: `Attaches to CHANNEL and prints its members (action "present") and then every presence
event (enter, update, leave) as it happens, until Ctrl-C, --duration or --count events. Needs
the subscribe capability.
` + realtimeHelp + `

Examples:
   ably channels presence subscribe my-first-channel
   ably channels presence subscribe my-channel --count 1 --json`,
		Flags:  flags(live.LimitFlags("events")...),
		Action: plugin.Action(presenceLiveOptionsOf, runPresenceSubscribe),
	}
}

type presenceLiveOptions struct {
	channelOptions
	Limits     live.Limits
	MemberData string
	HasData    bool
	ShowOthers bool
}

func presenceLiveOptionsOf(c *cli.Context) (presenceLiveOptions, error) {
	ch, err := channelOptionsOf(c)
	if err != nil {
		return presenceLiveOptions{}, err
	}
	o := presenceLiveOptions{channelOptions: ch, MemberData: c.String("data"), HasData: c.IsSet("data"), ShowOthers: c.Bool("show-others")}
	o.Limits, err = live.LimitsOf(c)
	return o, err
}

// presenceEventJSON is a presence event, one JSON record a line.
type presenceEventJSON struct {
	Channel string `json:"channel"`
	memberJSON
	Synthesized bool `json:"synthesized,omitempty"`
}

func printPresenceEvent(d plugin.Deps, ev realtime.PresenceEvent) {
	m := ev.PresenceMessage
	m.Data, m.Encoding = dataplane.DataJSON(ev.Data, ev.Undecoded, ev.PresenceMessage.Data)
	if d.Out.IsJSON() {
		_ = d.Out.JSON(presenceEventJSON{Channel: ev.Channel, Synthesized: ev.Synthesized,
			memberJSON: memberJSON{PresenceMessage: m, Action: m.Action.String(), Time: isoMillis(m.Timestamp)}})
		return
	}
	d.Out.Heading(fmt.Sprintf("[%s] channel %s: %s %s", isoMillis(m.Timestamp), ev.Channel, output.OrDash(m.ClientID), m.Action))
	_ = d.Out.Details([]output.Field{
		{Label: "Client ID", Value: output.OrDash(m.ClientID)},
		{Label: "Connection ID", Value: output.OrDash(m.ConnectionID)},
		{Label: "Action", Value: m.Action.String()},
		{Label: "Data", Value: dataText(m.Data)},
	})
	_ = d.Out.Printf("\n")
}

func runPresenceEnter(ctx context.Context, d plugin.Deps, o presenceLiveOptions) error {
	data, encoding, err := presenceData(o.MemberData, o.HasData)
	if err != nil {
		return err
	}
	c, err := dataplane.Open(d, o.Data)
	if err != nil {
		return err
	}
	if c.ClientID == "" {
		return exitcode.Usagef("entering presence needs a client ID: give one with --%s", dataplane.FlagClientID)
	}
	if err := c.Allow(o.Channel, "presence"); err != nil {
		return err
	}
	s, err := live.Connect(ctx, d, c)
	if err != nil {
		return err
	}
	own := s.Conn.Info().ID
	opts := realtime.ChannelOptions{Modes: proto.FlagPresence}
	if o.ShowOthers {
		opts.Modes |= proto.FlagPresenceSubscribe
		opts.OnPresence = func(ev realtime.PresenceEvent) {
			if ev.ConnectionID == own && ev.ClientID == c.ClientID {
				return // ourselves
			}
			s.Emit(func() bool { printPresenceEvent(d, ev); return false })
		}
	}
	ch := s.Channel(o.Channel, opts)
	entered := false
	defer s.Close(func(ctx context.Context) {
		if entered {
			_ = ch.Leave(ctx, nil, "") // RTP10
		}
	})
	if err := s.Attach(ctx, ch); err != nil {
		return err
	}
	if err := ch.Enter(ctx, data, encoding); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return realtime.ExitError(err)
	}
	entered = true
	s.Ready("Entered the presence of channel %q as client ID %q", o.Channel, c.ClientID)
	return s.Hold(ctx, o.Limits.Duration)
}

func runPresenceSubscribe(ctx context.Context, d plugin.Deps, o presenceLiveOptions) error {
	s, err := live.Open(ctx, d, o.Data, "subscribe", o.Channel)
	if err != nil {
		return err
	}
	count := o.Limits.Counter()
	ch := s.Channel(o.Channel, realtime.ChannelOptions{Modes: proto.FlagPresenceSubscribe,
		OnPresence: func(ev realtime.PresenceEvent) {
			s.Emit(func() bool { printPresenceEvent(d, ev); return count.Add() })
		}})
	return s.Listen(ctx, o.Limits, fmt.Sprintf("Subscribed to the presence of channel %q; waiting for presence events", o.Channel), ch)
}

// presenceData is --data as the wire carries it: JSON objects and arrays as JSON text with
// encoding "json" (RSL4d), other JSON values likewise, and anything else as text.
func presenceData(text string, set bool) (json.RawMessage, string, error) {
	if !set {
		return nil, "", nil
	}
	in := messageInput{Text: text}
	m := in.message(1, time.Time{})
	return wireData(m.Data, "")
}

// wireData encodes data given as JSON for the Realtime protocol's JSON format (RSL4d): a
// string as itself, an object or array as its JSON text with encoding "json", another JSON
// value (a number, true, null) likewise as text with "json"; an encoding given by the user
// is sent as given, with the data untouched.
func wireData(data json.RawMessage, encoding string) (json.RawMessage, string, error) {
	if encoding != "" || len(data) == 0 {
		return data, encoding, nil
	}
	var s string
	if json.Unmarshal(data, &s) == nil {
		return data, "", nil
	}
	if data[0] == '{' || data[0] == '[' {
		d, err := proto.JSONData(data)
		if err == nil {
			var enc string
			if data, enc, err = proto.Encode(d, nil, nil); err == nil {
				return data, enc, nil
			}
		}
		return nil, "", exitcode.Usagef("%v", err)
	}
	text, _ := json.Marshal(string(data)) // strings always encode
	return text, "json", nil
}
