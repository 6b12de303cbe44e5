package channelscli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/httpcore"
	"github.com/ably/ably-suite/pkg/plugin"
)

// Limits of a publish run: the official CLI's default delay, and how many messages one
// request carries when --delay 0 lets them go together (their total well within Ably's
// 64 KiB message size limit).
const (
	defaultDelayMillis = 40
	maxCount           = 100_000
	packMessages       = 100
	packBytes          = 48 << 10
)

func publishCommand() *cli.Command {
	return &cli.Command{
		Name:      "publish",
		Usage:     "Publish a message to a channel",
		ArgsUsage: "CHANNEL MESSAGE",
		Description: `Publishes MESSAGE to CHANNEL over the REST API. MESSAGE is read as the official CLI reads it:
a JSON object is a message (its "name", "data" and "extras"; without "data" the rest of the
object is the data), any other JSON value is the data, and anything else is text data.
--count publishes it several times, --delay apart; {{.Count}} (1, 2, ...) and {{.Timestamp}}
(Unix milliseconds) in MESSAGE are replaced in each. Every message carries an idempotent ID
(RSL1k), so a publish that failed on the way (a 5xx answer, a lost connection) is retried and
stored once. With --delay 0, up to 100 messages go in one request, in order.
` + credentialHelp + `

Examples:
   ably channels publish my-first-channel 'Hello!'
   ably channels publish --count 5 my-first-channel "Message number {{.Count}}"
   ably channels publish my-channel '{"name":"greeting","data":{"text":"Hi"}}'
   ably channels publish --name update --client-id sensor-1 my-channel '{"temperature":21.5}'
   ably channels publish --count 1000 --delay 0 load-test 'sent at {{.Timestamp}}' --json
   ABLY_TOKEN="$(ably auth issue-jwt-token --token-only)" ably channels publish my-channel "Hello"`,
		Flags: flags(
			&cli.StringFlag{Name: "name", Aliases: []string{"n"}, Usage: "the message's event `NAME` (wins over a name in MESSAGE)"},
			&cli.StringFlag{Name: "encoding", Aliases: []string{"e"}, Usage: "the message's `ENCODING`, sent as given (e.g. json, base64)"},
			&cli.IntFlag{Name: "count", Aliases: []string{"c"}, Value: 1, Usage: "publish the message `N` times"},
			&cli.IntFlag{Name: "delay", Aliases: []string{"d"}, Value: defaultDelayMillis, Usage: "wait `MS` milliseconds between messages of --count"},
			&cli.StringFlag{Name: "transport", Usage: "`HOW` to publish: rest, or realtime (default: rest for one message, realtime for --count above 1)"},
		),
		Action: plugin.Action(publishOptionsOf, runPublish),
	}
}

type publishOptions struct {
	Data    dataplane.Settings
	Channel string
	Input   messageInput
	Count   int
	Delay   time.Duration
	// Realtime publishes over a Realtime connection: --transport realtime, or --count
	// above 1 without --transport.
	Realtime bool
}

func publishOptionsOf(c *cli.Context) (publishOptions, error) {
	s, err := dataplane.SettingsOf(c)
	if err != nil {
		return publishOptions{}, err
	}
	a, err := args(c, "CHANNEL", "MESSAGE")
	if err != nil {
		return publishOptions{}, err
	}
	o := publishOptions{Data: s, Channel: a[0], Count: c.Int("count"), Delay: time.Duration(c.Int("delay")) * time.Millisecond,
		Input: messageInput{Text: a[1], Name: c.String("name"), Encoding: c.String("encoding")}}
	switch t := c.String("transport"); t {
	case "":
		o.Realtime = o.Count > 1
	case "rest", "realtime":
		o.Realtime = t == "realtime"
	default:
		return o, exitcode.Usagef("--transport must be rest or realtime, got %q", t)
	}
	switch {
	case o.Count < 1 || o.Count > maxCount:
		return o, exitcode.Usagef("--count must be between 1 and %d, got %d", maxCount, o.Count)
	case o.Delay < 0:
		return o, exitcode.Usagef("--delay must be 0 or more milliseconds, got %d", c.Int("delay"))
	}
	return o, nil
}

// maxInFlight bounds the batches sent and not yet answered.
const maxInFlight = 64

// sender publishes a batch of messages and tells done the outcome, at once or later.
type sender interface {
	send(ctx context.Context, batch []dataplane.Message, done func(serials []*string, err error))
}

type sendResult struct {
	serials []*string
	err     error
}

// flight is a batch sent, waiting for its answer.
type flight struct {
	batch  []dataplane.Message
	result chan sendResult
}

// restSender publishes with one REST request a batch, waiting for each.
type restSender struct {
	c       *dataplane.Client
	channel string
}

func (r restSender) send(ctx context.Context, batch []dataplane.Message, done func([]*string, error)) {
	res, err := r.c.Publish(ctx, r.channel, batch)
	done(res.Serials, err)
}

// published is one message's outcome, as --json reports it.
type published struct {
	Index  int     `json:"index"`
	ID     string  `json:"id"`
	Serial *string `json:"serial"`
}

type publishReport struct {
	Channel   string      `json:"channel"`
	Published int         `json:"published"`
	Messages  []published `json:"messages"`
}

func runPublish(ctx context.Context, d plugin.Deps, o publishOptions) error {
	c, err := dataplane.Open(d, o.Data)
	if err != nil {
		return err
	}
	if err := c.Allow(o.Channel, "publish"); err != nil {
		return err
	}
	ids, err := dataplane.NewMessageIDs(d.Rand)
	if err != nil {
		return err
	}
	report := publishReport{Channel: o.Channel, Messages: []published{}}
	var send sender = restSender{c, o.Channel}
	if o.Realtime {
		rt, err := openRealtimeSender(ctx, d, c, o.Channel)
		if err != nil {
			return err
		}
		defer rt.close()
		send = rt
	}
	// Batches go out without waiting for the answers to those before them (up to
	// maxInFlight); the answers are taken, and reported, in order.
	var inFlight []flight
	settle := func(wait bool) error {
		for len(inFlight) > 0 {
			f := inFlight[0]
			var r sendResult
			select {
			case r = <-f.result:
			default:
				if !wait && len(inFlight) < maxInFlight {
					return nil
				}
				r = <-f.result
			}
			inFlight = inFlight[1:]
			if r.err != nil {
				return publishFailed(r.err, f.batch[0].ID, report.Published, o)
			}
			for i, m := range f.batch {
				p := published{Index: report.Published + 1, ID: m.ID}
				if i < len(r.serials) {
					p.Serial = r.serials[i]
				}
				report.Messages = append(report.Messages, p)
				report.Published++
				if !d.Out.IsJSON() {
					printPublished(d, o, p)
				}
			}
		}
		return nil
	}
	for next := 0; next < o.Count; {
		if next > 0 && o.Delay > 0 {
			if err := sleep(ctx, o.Delay); err != nil {
				return err
			}
		}
		batch, size := []dataplane.Message{}, 0
		for next < o.Count && (len(batch) == 0 || o.Delay == 0 && len(batch) < packMessages && size < packBytes) {
			m := o.Input.message(next+1, d.Now())
			m.ID, m.ClientID = ids.ID(next), c.MessageClientID
			batch, size, next = append(batch, m), size+len(m.Data)+len(m.Name)+len(m.Extras), next+1
		}
		result := make(chan sendResult, 1)
		send.send(ctx, batch, func(serials []*string, err error) { result <- sendResult{serials, err} })
		inFlight = append(inFlight, flight{batch, result})
		if err := settle(false); err != nil {
			return err
		}
	}
	if err := settle(true); err != nil {
		return err
	}
	if d.Out.IsJSON() {
		return d.Out.JSON(report)
	}
	if o.Count > 1 {
		return d.Out.Printf("%d messages published to channel %q\n", report.Published, o.Channel)
	}
	return nil
}

func printPublished(d plugin.Deps, o publishOptions, p published) {
	serial := "none (the message was not stored)"
	if p.Serial != nil {
		serial = *p.Serial
	}
	if o.Count == 1 {
		_ = d.Out.Printf("Message published to channel %q: serial %s, id %s\n", o.Channel, serial, p.ID)
		return
	}
	_ = d.Out.Printf("Message %d/%d published to channel %q: serial %s\n", p.Index, o.Count, o.Channel, serial)
}

// publishFailed says how far the run got and, when the connection failed, whether the
// message may have been stored: retrying with the same ID cannot duplicate it.
func publishFailed(err error, id string, done int, o publishOptions) error {
	var e *exitcode.Error
	if !errors.As(err, &e) {
		e = &exitcode.Error{Code: exitcode.Of(err), Message: err.Error(), Err: err}
	}
	out := *e
	switch {
	case httpcore.NeverSent(err):
		out.Message += " (the message was not sent)"
	case e.Code == exitcode.Network && e.StatusCode == 0:
		out.Message += fmt.Sprintf(" (the request was sent, so the message may have been stored: look for id %s in 'ably channels history %s')", id, o.Channel)
	}
	if o.Count > 1 {
		out.Message = fmt.Sprintf("%d of %d messages published to channel %q, then: %s", done, o.Count, o.Channel, out.Message)
	}
	return &out
}

// sleep waits d, or until ctx ends (Ctrl-C).
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
