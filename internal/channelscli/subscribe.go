package channelscli

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/internal/live"
	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/realtime"
	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// realtimeHelp is what the Realtime commands' help says about their connection.
const realtimeHelp = `Connects over Ably's Realtime protocol (WebSocket). With an API key it connects with a short-lived
JWT minted from the key, renewed before it expires, so the key's secret never crosses the
network; with a token (--token, ABLY_TOKEN) the token's expiry ends the command (exit 4). A lost
connection is resumed without losing messages, and said so on stderr. Ctrl-C, --duration or
--count end the command cleanly (detach, leave, close), exit 0.`

func subscribeCommand() *cli.Command {
	return &cli.Command{
		Name:      "subscribe",
		Usage:     "Receive the messages published to channels",
		ArgsUsage: "CHANNEL...",
		Description: `Attaches to each CHANNEL and prints every message published there, as it arrives: a labelled
block per message, one JSON record a line with --json, or with --raw only the data, one
message a line (text as is, JSON compact, bytes as base64), for pipes. A line on stderr says
when it is listening. --rewind starts with the last N messages (or those of the last 2m, say),
--cipher decrypts, --count stops after N messages.
` + realtimeHelp + `

Examples:
   ably channels subscribe my-first-channel
   ably channels subscribe --rewind 10 my-channel other-channel
   ably channels subscribe my-channel --count 1 --raw | jq .
   ably channels subscribe my-channel --duration 60 --json > messages.ndjson
   ably channels subscribe secret-channel --cipher "$CIPHER_KEY"`,
		Flags: flags(append(live.LimitFlags("messages"),
			&cli.StringFlag{Name: "rewind", Usage: "start with the last `N` messages, or those of a period such as 2m (at most 100 or 2 minutes)"},
			cipherFlag(),
			&cli.BoolFlag{Name: "raw", Usage: "print only each message's data, one a line"},
		)...),
		Action: plugin.Action(subscribeOptionsOf, runSubscribe),
	}
}

type subscribeOptions struct {
	Data     dataplane.Settings
	Channels []string
	Limits   live.Limits
	Rewind   string
	Cipher   *proto.CipherParams
	Raw      bool
	Names    []string // only messages of these names (logs subscribe --type); none: all
}

func subscribeOptionsOf(c *cli.Context) (subscribeOptions, error) {
	s, err := dataplane.SettingsOf(c)
	if err != nil {
		return subscribeOptions{}, err
	}
	o := subscribeOptions{Data: s, Channels: c.Args().Slice(), Rewind: c.String("rewind"), Raw: c.Bool("raw")}
	if err := channelArgs(c, o.Channels); err != nil {
		return o, err
	}
	if o.Limits, err = live.LimitsOf(c); err != nil {
		return o, err
	}
	if err := checkRewind(o.Rewind, c.IsSet("rewind")); err != nil {
		return o, err
	}
	o.Cipher, err = cipherOf(c)
	return o, err
}

// channelArgs checks CHANNEL... : at least one, none empty.
func channelArgs(c *cli.Context, channels []string) error {
	if len(channels) == 0 {
		return exitcode.Usagef("missing CHANNEL: usage: %s CHANNEL...", c.Command.HelpName)
	}
	for i, ch := range channels {
		if ch == "" {
			return exitcode.Usagef("channel %d is empty: usage: %s CHANNEL...", i+1, c.Command.HelpName)
		}
	}
	return nil
}

// checkRewind accepts what Ably's rewind param takes: a count, or a period (s or m).
func checkRewind(r string, set bool) error {
	if !set {
		return nil
	}
	if n, err := strconv.Atoi(r); err == nil && n >= 1 {
		return nil
	}
	if len(r) > 1 && (strings.HasSuffix(r, "s") || strings.HasSuffix(r, "m")) {
		if n, err := strconv.Atoi(r[:len(r)-1]); err == nil && n >= 1 {
			return nil
		}
	}
	return exitcode.Usagef("--rewind %q: give a number of messages (10) or a period (30s, 2m)", r)
}

func runSubscribe(ctx context.Context, d plugin.Deps, o subscribeOptions) error {
	s, err := live.Open(ctx, d, o.Data, "subscribe", o.Channels...)
	if err != nil {
		return err
	}
	var params map[string]string
	if o.Rewind != "" {
		params = map[string]string{"rewind": o.Rewind}
	}
	count := o.Limits.Counter()
	channels := make([]*realtime.Channel, len(o.Channels))
	for i, name := range o.Channels {
		channels[i] = s.Channel(name, realtime.ChannelOptions{Modes: proto.FlagSubscribe, Params: params, Cipher: o.Cipher,
			OnMessage: func(ev realtime.MessageEvent) {
				if len(o.Names) > 0 && !slices.Contains(o.Names, ev.Name) {
					return
				}
				s.Emit(func() bool {
					printReceived(d, o.Raw, ev)
					return count.Add()
				})
			}})
	}
	return s.Listen(ctx, o.Limits, "Subscribed to "+channelsNamed(o.Channels)+"; waiting for messages", channels...)
}

// FixedSubscribeCommand is a subscribe to one channel the command names (a log's [meta]
// channel, say), its help made of what it does and examples. With types, --type takes one
// or more of them (comma-separated), keeping only the messages of those names.
func FixedSubscribeCommand(name, usage, channel, what string, types []string, examples ...string) *cli.Command {
	fl := append(live.LimitFlags("messages"),
		&cli.StringFlag{Name: "rewind", Usage: "start with the last `N` messages, or those of a period such as 2m"},
		&cli.BoolFlag{Name: "raw", Usage: "print only each message's data, one a line"})
	if len(types) > 0 {
		fl = append(fl, &cli.StringFlag{Name: "type", Usage: "only messages of `TYPES`, comma-separated: " + strings.Join(types, ", ")})
	}
	return &cli.Command{
		Name:  name,
		Usage: usage,
		Description: what + "\n" + realtimeHelp +
			"\n\nExamples:\n   " + strings.Join(examples, "\n   "),
		Flags: flags(fl...),
		Action: plugin.Action(func(c *cli.Context) (subscribeOptions, error) {
			s, err := dataplane.SettingsOf(c)
			if err != nil {
				return subscribeOptions{}, err
			}
			o := subscribeOptions{Data: s, Channels: []string{channel}, Rewind: c.String("rewind"), Raw: c.Bool("raw")}
			if _, err := args(c); err != nil {
				return o, err
			}
			if o.Limits, err = live.LimitsOf(c); err != nil {
				return o, err
			}
			if err := checkRewind(o.Rewind, c.IsSet("rewind")); err != nil {
				return o, err
			}
			if c.IsSet("type") {
				for _, t := range strings.Split(c.String("type"), ",") {
					if t = strings.TrimSpace(t); !slices.Contains(types, t) {
						return o, exitcode.Usagef("--type %q: use one or more of %s", t, strings.Join(types, ", "))
					}
					o.Names = append(o.Names, strings.TrimSpace(t))
				}
			}
			return o, nil
		}, runSubscribe),
	}
}

// channelsNamed is `channel "a"` or `channels "a", "b"`.
func channelsNamed(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	if len(q) == 1 {
		return "channel " + q[0]
	}
	return "channels " + strings.Join(q, ", ")
}

// receivedJSON is a message received, one JSON record a line: history's fields and the
// channel it came on.
type receivedJSON struct {
	Channel string `json:"channel"`
	messageJSON
}

// received is the message of ev with its data as DecodeData shows it.
func received(ev realtime.MessageEvent) dataplane.Message {
	m := ev.Message
	m.Data, m.Encoding = dataplane.DataJSON(ev.Data, ev.Undecoded, ev.Message.Data)
	return m
}

func printReceived(d plugin.Deps, raw bool, ev realtime.MessageEvent) {
	m := received(ev)
	switch {
	case raw:
		_ = d.Out.Printf("%s\n", rawData(m.Data))
	case d.Out.IsJSON():
		_ = d.Out.JSON(receivedJSON{Channel: ev.Channel, messageJSON: toJSON(m)})
	default:
		d.Out.Heading(fmt.Sprintf("[%s] channel %s", isoMillis(m.Timestamp), ev.Channel))
		_ = d.Out.Details(messageFields(m))
		_ = d.Out.Printf("\n")
	}
}

// rawData is data for --raw: a string as is, other JSON compact.
func rawData(data json.RawMessage) string {
	var s string
	if json.Unmarshal(data, &s) == nil {
		return s
	}
	return string(compact(string(data)))
}
