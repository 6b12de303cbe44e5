package channelscli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/httpcore"
	"github.com/ably/ably-suite/pkg/plugin"
)

// Ably's limits on one batch publish (RSC22).
const (
	maxBatchChannels = 100
	maxBatchMessages = 1000
)

func batchPublishCommand() *cli.Command {
	return &cli.Command{
		Name:      "batch-publish",
		Usage:     "Publish messages to several channels in one request",
		ArgsUsage: "[MESSAGE]",
		Description: `Publishes MESSAGE (read as 'ably channels publish' reads it) to every channel of --channels
or --channels-json, or publishes a whole batch spec given with --spec: a JSON object
{"channels": NAME or [NAMES], "messages": MESSAGE or [MESSAGES]} or an array of them. Each
channel succeeds or fails on its own: every failure is named, and any makes the exit status 1
(or, when every channel failed for the same reason, that reason's status). At most 100
channels and 1000 messages in one request. Every message carries an idempotent ID.
` + credentialHelp + `

Examples:
   ably channels batch-publish --channels chat:1,chat:2 'Hello both'
   ably channels batch-publish --channels-json '["alerts","audit"]' '{"name":"alert","data":"disk full"}'
   ably channels batch-publish --spec '{"channels":["a","b"],"messages":[{"name":"x","data":1},{"data":2}]}' --json`,
		Flags: flags(
			&cli.StringFlag{Name: "channels", Usage: "the channel `NAMES`, comma-separated"},
			&cli.StringFlag{Name: "channels-json", Usage: "the channel names as a JSON `ARRAY`"},
			&cli.StringFlag{Name: "spec", Usage: "the whole batch as `JSON`: a batch spec or an array of them (no MESSAGE then)"},
			&cli.StringFlag{Name: "name", Aliases: []string{"n"}, Usage: "the message's event `NAME`"},
			&cli.StringFlag{Name: "encoding", Aliases: []string{"e"}, Usage: "the message's `ENCODING`, sent as given"},
		),
		Action: plugin.Action(batchOptionsOf, runBatchPublish),
	}
}

type batchOptions struct {
	Data     dataplane.Settings
	Specs    []dataplane.BatchSpec // from --spec; else Input to Channels
	Input    messageInput
	Channels []string
}

func batchOptionsOf(c *cli.Context) (batchOptions, error) {
	s, err := dataplane.SettingsOf(c)
	if err != nil {
		return batchOptions{}, err
	}
	o := batchOptions{Data: s}
	given := 0
	for _, f := range []string{"channels", "channels-json", "spec"} {
		if c.IsSet(f) {
			given++
		}
	}
	if given != 1 {
		return o, exitcode.Usagef("give exactly one of --channels, --channels-json or --spec (%d given)", given)
	}
	if c.IsSet("spec") {
		if c.NArg() > 0 {
			return o, exitcode.Usagef("unexpected argument %q: with --spec the messages are in the spec", c.Args().First())
		}
		if c.IsSet("name") || c.IsSet("encoding") {
			return o, exitcode.Usagef("--name and --encoding go with MESSAGE, not --spec: put them in the spec's messages")
		}
		if o.Specs, err = parseSpecs(c.String("spec")); err != nil {
			return o, err
		}
		return o, checkBatchLimits(o.Specs)
	}
	a, err := args(c, "MESSAGE")
	if err != nil {
		return o, err
	}
	var channels []string
	if c.IsSet("channels") {
		for _, ch := range strings.Split(c.String("channels"), ",") {
			if ch = strings.TrimSpace(ch); ch != "" {
				channels = append(channels, ch)
			}
		}
	} else if err := json.Unmarshal([]byte(c.String("channels-json")), &channels); err != nil {
		return o, exitcode.Usagef(`--channels-json must be a JSON array of channel names, e.g. '["a","b"]': %v`, err)
	}
	if len(channels) == 0 {
		return o, exitcode.Usagef("no channels given: name at least one, e.g. --channels a,b")
	}
	for _, ch := range channels {
		if ch == "" {
			return o, exitcode.Usagef("--channels-json holds an empty channel name")
		}
	}
	o.Input, o.Channels = messageInput{Text: a[0], Name: c.String("name"), Encoding: c.String("encoding")}, channels
	return o, checkBatchLimits([]dataplane.BatchSpec{{Channels: channels, Messages: make([]dataplane.Message, 1)}})
}

// specJSON reads a batch spec whose channels and messages may each be one or a list.
type specJSON struct {
	Channels json.RawMessage `json:"channels"`
	Messages json.RawMessage `json:"messages"`
}

func parseSpecs(s string) ([]dataplane.BatchSpec, error) {
	raw := bytes.TrimSpace([]byte(s))
	var list []specJSON
	if bytes.HasPrefix(raw, []byte("[")) {
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, exitcode.Usagef("--spec is not a JSON array of batch specs: %v", err)
		}
	} else {
		var one specJSON
		if err := json.Unmarshal(raw, &one); err != nil {
			return nil, exitcode.Usagef(`--spec is not a batch spec, want {"channels":["a"],"messages":[{"data":"hi"}]}: %v`, err)
		}
		list = []specJSON{one}
	}
	if len(list) == 0 {
		return nil, exitcode.Usagef("--spec is an empty array: give at least one batch spec")
	}
	specs := make([]dataplane.BatchSpec, len(list))
	for i, sj := range list {
		where := fmt.Sprintf("--spec batch %d", i+1)
		if err := oneOrMany(sj.Channels, &specs[i].Channels); err != nil || len(specs[i].Channels) == 0 {
			return nil, exitcode.Usagef(`%s: "channels" must be a channel name or an array of them`, where)
		}
		if err := oneOrMany(sj.Messages, &specs[i].Messages); err != nil || len(specs[i].Messages) == 0 {
			return nil, exitcode.Usagef(`%s: "messages" must be a message object or an array of them, e.g. {"name":"x","data":"hi"}`, where)
		}
		for _, ch := range specs[i].Channels {
			if ch == "" {
				return nil, exitcode.Usagef("%s: a channel name is empty", where)
			}
		}
	}
	return specs, nil
}

// oneOrMany decodes a JSON value or an array of such values into out.
func oneOrMany[T any](raw json.RawMessage, out *[]T) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return fmt.Errorf("missing")
	}
	if raw[0] == '[' {
		return json.Unmarshal(raw, out)
	}
	var one T
	if err := json.Unmarshal(raw, &one); err != nil {
		return err
	}
	*out = []T{one}
	return nil
}

func checkBatchLimits(specs []dataplane.BatchSpec) error {
	channels, messages := 0, 0
	for _, s := range specs {
		channels += len(s.Channels)
		messages += len(s.Messages) * len(s.Channels)
	}
	switch {
	case channels > maxBatchChannels:
		return exitcode.Usagef("%d channels in one batch: Ably takes at most %d", channels, maxBatchChannels)
	case messages > maxBatchMessages:
		return exitcode.Usagef("%d messages in one batch (messages times channels): Ably takes at most %d", messages, maxBatchMessages)
	}
	return nil
}

type batchReport struct {
	SuccessCount int                            `json:"successCount"`
	FailureCount int                            `json:"failureCount"`
	Results      []dataplane.BatchChannelResult `json:"results"`
}

func runBatchPublish(ctx context.Context, d plugin.Deps, o batchOptions) error {
	c, err := dataplane.Open(d, o.Data)
	if err != nil {
		return err
	}
	ids, err := dataplane.NewMessageIDs(d.Rand)
	if err != nil {
		return err
	}
	if o.Specs == nil {
		o.Specs = []dataplane.BatchSpec{{Channels: o.Channels, Messages: []dataplane.Message{o.Input.message(1, d.Now())}}}
	}
	n := 0
	for i := range o.Specs {
		for j := range o.Specs[i].Messages {
			m := &o.Specs[i].Messages[j]
			if m.ID == "" {
				m.ID = ids.ID(n)
				n++
			}
			if m.ClientID == "" {
				m.ClientID = c.MessageClientID
			}
		}
	}
	results, err := c.BatchPublish(ctx, o.Specs)
	if err != nil {
		return err
	}
	r := batchReport{Results: []dataplane.BatchChannelResult{}}
	for _, br := range results {
		r.Results = append(r.Results, br.Results...)
	}
	var failures []string
	codes := map[int]bool{}
	for _, res := range r.Results {
		if res.Error == nil {
			r.SuccessCount++
			continue
		}
		r.FailureCount++
		failures = append(failures, fmt.Sprintf("%q: %s (Ably error %d)", res.Channel, res.Error.Message, res.Error.Code))
		codes[httpcore.ExitCodeFor(res.Error.StatusCode, res.Error.Code)] = true
	}
	if d.Out.IsJSON() {
		if err := d.Out.JSON(r); err != nil {
			return err
		}
	} else {
		for _, res := range r.Results {
			if res.Error != nil {
				continue
			}
			if err := d.Out.Printf("Published to channel %q: %s\n", res.Channel, serialsText(res.Serials)); err != nil {
				return err
			}
		}
	}
	if len(failures) == 0 {
		return nil
	}
	code := exitcode.Failure
	if r.SuccessCount == 0 && len(codes) == 1 {
		for c := range codes {
			code = c
		}
	}
	return exitcode.New(code, "batch publish failed for %d of %d channels: %s", r.FailureCount, len(r.Results), strings.Join(failures, "; "))
}

func serialsText(serials []*string) string {
	var s []string
	for _, p := range serials {
		if p == nil {
			s = append(s, "none")
		} else {
			s = append(s, *p)
		}
	}
	if len(s) == 1 {
		return "serial " + s[0]
	}
	return "serials " + strings.Join(s, ", ")
}
