package queuescli

import (
	"context"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
	"github.com/ably/ably-suite/pkg/suggest"
)

// Limits of a new queue, as the Control API applies them.
const (
	defaultTTL       = 60 // minutes
	maxTTL           = 60
	defaultMaxLength = 10000 // messages
	defaultRegion    = "us-east-1-a"
)

// regions are where a queue may live: US East (Virginia) or EU West (Ireland).
func regions() []string { return []string{"us-east-1-a", "eu-west-1-a"} }

func createCommand() *cli.Command {
	return &cli.Command{
		Name:  "create",
		Usage: "Create a queue (needs Write Queue)",
		Description: `Creates a queue in one region. Its ID is APPID:REGION:NAME; fill it with an integration rule
('ably integrations create --type amqp --queue-id ID') and read it over AMQP or STOMP with the
endpoints shown. TTL, maximum length and region are checked before the request is sent.

Examples:
   ably queues create --name orders
   ably queues create "Order events" --ttl 30 --max-length 5000 --region eu-west-1-a
   ably queues create --name orders --app prod --json`,
		ArgsUsage: "[NAME]",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "name", Usage: "the queue's `NAME` (spaces allowed; or give it as the argument)"},
			&cli.IntFlag{Name: "ttl", Value: defaultTTL, Usage: fmt.Sprintf("how long messages stay, in `MINUTES` from 1 to %d", maxTTL)},
			&cli.IntFlag{Name: "max-length", Value: defaultMaxLength, Usage: "the most messages the queue holds, `N` above 0"},
			&cli.StringFlag{Name: "region", Value: defaultRegion, Usage: "the `REGION`: " + strings.Join(regions(), " or ")},
			session.AppFlag(), showSecretFlag(),
		}, session.Flags()...),
		Action: plugin.Action(createOptionsOf, runCreate),
	}
}

// createOptions are what `queues create` was asked.
type createOptions struct {
	Session    session.Settings
	Fields     control.QueueFields
	ShowSecret bool
}

func createOptionsOf(c *cli.Context) (createOptions, error) {
	o := createOptions{Session: session.SettingsOf(c), ShowSecret: c.Bool(flagShowSecret)}
	name, set, err := plugin.ArgOrFlag(c, "name", "queue name")
	if err != nil {
		return o, err
	}
	o.Fields, err = queueFields(c, name, set)
	return o, err
}

func runCreate(ctx context.Context, d plugin.Deps, o createOptions) error {
	out := d.Out
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.WriteQueue, "create a queue")
	if err != nil {
		return err
	}
	q, err := s.Client.CreateQueue(ctx, ref.ID, o.Fields)
	if err != nil {
		return err
	}
	if !o.ShowSecret {
		*q = maskQueue(*q)
	}
	if out.IsJSON() {
		return out.JSON(q)
	}
	out.Printf("Created queue %q (%s) in app %s.\n", q.Name, q.ID, ref.Label())
	return out.Details(queueDetails(*q))
}

// queueFields checks the flags and returns what the queue is created with.
// name is the queue's name, as the argument or --name (named set).
func queueFields(c *cli.Context, name string, named bool) (control.QueueFields, error) {
	f := control.QueueFields{Name: name, TTL: c.Int("ttl"), MaxLength: c.Int("max-length"), Region: c.String("region")}
	switch {
	case !named:
		return f, exitcode.Usagef("the queue's name is required: 'ably queues create orders' or --name orders")
	case strings.TrimSpace(f.Name) == "":
		return f, exitcode.Usagef("the queue name is empty: give the queue a name")
	case f.Name != strings.TrimSpace(f.Name):
		return f, exitcode.Usagef("the queue name %q starts or ends with spaces: remove them", f.Name)
	case f.TTL < 1 || f.TTL > maxTTL:
		return f, exitcode.Usagef("--ttl %d: want 1 to %d minutes", f.TTL, maxTTL)
	case f.MaxLength < 1:
		return f, exitcode.Usagef("--max-length %d: want at least 1 message", f.MaxLength)
	}
	for _, r := range regions() {
		if f.Region == r {
			return f, nil
		}
	}
	msg := fmt.Sprintf("--region %q: want %s", f.Region, strings.Join(regions(), " or "))
	if s, ok := suggest.Closest(f.Region, regions()); ok {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return f, exitcode.Usagef("%s", msg)
}
