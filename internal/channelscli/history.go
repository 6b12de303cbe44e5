package channelscli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/internal/timeparse"
	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/realtime/proto"
)

const defaultHistoryLimit = 50

func historyCommand() *cli.Command {
	return &cli.Command{
		Name:      "history",
		Usage:     "Show a channel's message history",
		ArgsUsage: "CHANNEL",
		Description: `Shows the messages stored for CHANNEL, newest first unless --direction forwards, following
the API's pages until --limit messages. --start and --end take ` + timeparse.Forms + `.
Messages are kept only on channels whose namespace persists them (a channel rule), else for
two minutes.
` + credentialHelp + `

Examples:
   ably channels history my-first-channel
   ably channels history my-channel --limit 1000 --direction forwards
   ably channels history my-channel --start 1h --end 30m
   ably channels history my-channel --start 2024-05-01T10:00:00Z --json
   ably channels history secret-channel --cipher "$CIPHER_KEY"`,
		Flags: flags(append(historyFlags(), cipherFlag())...),
		Action: plugin.Action(func(c *cli.Context) (historyOptions, error) {
			o, err := historyOptionsOf(c, "CHANNEL")
			if err == nil {
				o.Cipher, err = cipherOf(c)
			}
			return o, err
		}, runHistory),
	}
}

func historyFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "limit", Value: defaultHistoryLimit, Usage: "show at most `N` messages (1 to 10000)"},
		&cli.StringFlag{Name: "direction", Value: "backwards", Usage: "`ORDER`: backwards (newest first) or forwards (oldest first)"},
		&cli.StringFlag{Name: "start", Usage: "only messages from `TIME` on"},
		&cli.StringFlag{Name: "end", Usage: "only messages up to `TIME`"},
	}
}

type historyOptions struct {
	Data    dataplane.Settings
	Channel string
	Start   string
	End     string
	Query   dataplane.HistoryQuery
	Cipher  *proto.CipherParams // --cipher; nil for none
}

// maxHistoryLimit bounds one run: ten of the API's largest pages.
const maxHistoryLimit = 10 * dataplane.MaxPage

// historyOptionsOf reads the history flags; the times are read against the run's clock.
func historyOptionsOf(c *cli.Context, argNames ...string) (historyOptions, error) {
	s, err := dataplane.SettingsOf(c)
	if err != nil {
		return historyOptions{}, err
	}
	o := historyOptions{Data: s, Start: c.String("start"), End: c.String("end")}
	if len(argNames) > 0 {
		a, err := args(c, argNames...)
		if err != nil {
			return o, err
		}
		o.Channel = a[0]
	}
	o.Query.Limit = c.Int("limit")
	if o.Query.Limit < 1 || o.Query.Limit > maxHistoryLimit {
		return o, exitcode.Usagef("--limit must be between 1 and %d, got %d", maxHistoryLimit, o.Query.Limit)
	}
	switch dir := c.String("direction"); dir {
	case "backwards":
	case "forwards":
		o.Query.Forwards = true
	default:
		return o, exitcode.Usagef("--direction must be backwards or forwards, got %q", dir)
	}
	return o, nil
}

// times reads --start and --end at now.
func (o *historyOptions) times(now time.Time) error {
	var err error
	if o.Start != "" {
		if o.Query.Start, err = timeparse.Time(o.Start, now); err != nil {
			return exitcode.Usagef("--start: %v", err)
		}
	}
	if o.End != "" {
		if o.Query.End, err = timeparse.Time(o.End, now); err != nil {
			return exitcode.Usagef("--end: %v", err)
		}
	}
	if !o.Query.Start.IsZero() && !o.Query.End.IsZero() && o.Query.Start.After(o.Query.End) {
		return exitcode.Usagef("--start (%s) is after --end (%s)", output.Time(o.Query.Start), output.Time(o.Query.End))
	}
	return nil
}

type historyReport struct {
	Channel  string        `json:"channel"`
	Messages []messageJSON `json:"messages"`
	HasMore  bool          `json:"hasMore"`
}

func runHistory(ctx context.Context, d plugin.Deps, o historyOptions) error {
	if err := o.times(d.Now()); err != nil {
		return err
	}
	c, err := dataplane.Open(d, o.Data)
	if err != nil {
		return err
	}
	c.Cipher = o.Cipher
	msgs, more, err := c.History(ctx, o.Channel, o.Query)
	if err != nil {
		return err
	}
	return printMessages(d, o.Channel, msgs, more, o.Query)
}

// printMessages shows a channel's messages as history and logs history do.
func printMessages(d plugin.Deps, channel string, msgs []dataplane.Message, more bool, q dataplane.HistoryQuery) error {
	if d.Out.IsJSON() {
		r := historyReport{Channel: channel, Messages: make([]messageJSON, len(msgs)), HasMore: more}
		for i, m := range msgs {
			r.Messages[i] = toJSON(m)
		}
		return d.Out.JSON(r)
	}
	order := "newest first"
	if q.Forwards {
		order = "oldest first"
	}
	d.Out.Heading(fmt.Sprintf("%s in the history of channel %q (%s)", plural(len(msgs), "message"), channel, order))
	for i, m := range msgs {
		if err := d.Out.Printf("\n[%d] %s\n", i+1, output.OrDash(isoMillis(m.Timestamp))); err != nil {
			return err
		}
		if err := d.Out.Details(messageFields(m)); err != nil {
			return err
		}
	}
	if more {
		d.Out.Warnf("more messages than --limit %d: raise --limit, or narrow --start/--end", q.Limit)
	}
	return nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// FixedHistoryCommand is a history command of one channel known in advance, such as the
// `ably logs` commands on Ably's [meta] channels: the flags, output and JSON of
// 'ably channels history', without the CHANNEL argument.
func FixedHistoryCommand(name, usage, channel, what string, examples ...string) *cli.Command {
	return &cli.Command{
		Name:  name,
		Usage: usage,
		Description: what + "\n--start and --end take " + timeparse.Forms + ".\n" + credentialHelp +
			"\n\nExamples:\n   " + strings.Join(examples, "\n   "),
		Flags: flags(historyFlags()...),
		Action: plugin.Action(func(c *cli.Context) (historyOptions, error) {
			o, err := historyOptionsOf(c)
			if err == nil {
				_, err = args(c)
			}
			o.Channel = channel
			return o, err
		}, runHistory),
	}
}

// cipherFlag is --cipher: the key of a channel whose messages are encrypted (RSL5).
func cipherFlag() cli.Flag {
	return &cli.StringFlag{Name: "cipher", Usage: "decrypt messages with `KEY`, a 128- or 256-bit AES key as base64 or hex (messages it cannot decrypt keep their encoding)"}
}

// cipherOf reads --cipher; the error never shows the key.
func cipherOf(c *cli.Context) (*proto.CipherParams, error) {
	if !c.IsSet("cipher") {
		return nil, nil
	}
	key, err := proto.ParseCipherKey(c.String("cipher"))
	if err != nil {
		return nil, exitcode.Usagef("--cipher: %v", err)
	}
	return &key, nil
}
