package queuescli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func deleteCommand() *cli.Command {
	return &cli.Command{
		Name:      "delete",
		Usage:     "Delete a queue and the messages in it (needs Write Queue)",
		ArgsUsage: "ID|NAME",
		Description: `Names the queue by its ID (APPID:REGION:NAME, as 'ably queues list' shows it) or by its name,
which costs one listing of the app's queues (needing Read Queue). Quote IDs and names with
spaces. Asks for confirmation on a terminal; elsewhere (scripts, CI) it needs --force.

Examples:
   ably queues delete orders
   ably queues delete "Order events" --force
   ably queues delete "abc123:eu-west-1-a:Order events" --app prod --force --json`,
		Flags:  append([]cli.Flag{session.AppFlag(), plugin.ForceFlag()}, session.Flags()...),
		Action: plugin.Action(deleteOptionsOf, runDelete),
	}
}

// deleteOptions are what `queues delete` was asked.
type deleteOptions struct {
	Session session.Settings
	Queue   string // an ID or a name
	Force   bool
}

func deleteOptionsOf(c *cli.Context) (deleteOptions, error) {
	queue, err := queueArg(c)
	return deleteOptions{Session: session.SettingsOf(c), Queue: queue, Force: c.Bool(plugin.FlagForce)}, err
}

// deletedQueue is the --json form of `queues delete`.
type deletedQueue struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	AppID   string `json:"appId"`
	Deleted bool   `json:"deleted"`
}

func runDelete(ctx context.Context, d plugin.Deps, o deleteOptions) error {
	out := d.Out
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.WriteQueue, "delete a queue")
	if err != nil {
		return err
	}
	id, name, err := resolveQueue(ctx, s, ref, o.Queue)
	if err != nil {
		return err
	}
	if err := d.Confirm(ctx, o.Force, fmt.Sprintf("delete queue %q (%s) of app %s and the messages in it", name, id, ref.Label())); err != nil {
		return err
	}
	if err := s.Client.DeleteQueue(ctx, ref.ID, id); err != nil {
		return err
	}
	if out.IsJSON() {
		return out.JSON(deletedQueue{ID: id, Name: name, AppID: ref.ID, Deleted: true})
	}
	out.Printf("Deleted queue %q (%s) from app %s.\n", name, id, ref.Label())
	return nil
}

func queueArg(c *cli.Context) (string, error) {
	switch {
	case c.NArg() == 0:
		return "", exitcode.Usagef("missing the queue: 'ably queues delete ID|NAME' (see 'ably queues list')")
	case c.NArg() > 1:
		return "", exitcode.Usagef("unexpected argument %q: give one queue ID or name (quote names with spaces)", c.Args().Get(1))
	case strings.TrimSpace(c.Args().First()) == "":
		return "", exitcode.Usagef("the queue ID or name is empty")
	}
	return c.Args().First(), nil
}

// resolveQueue turns an ID or a name into the queue's ID and name. An ID of the app's
// (APPID:REGION:NAME with a known region) needs no request; anything else is looked up
// with one listing.
func resolveQueue(ctx context.Context, s *session.Session, ref session.AppRef, arg string) (id, name string, err error) {
	if rest, ok := strings.CutPrefix(arg, ref.ID+":"); ok {
		if region, qname, ok := strings.Cut(rest, ":"); ok && slices.Contains(regions(), region) && qname != "" {
			return arg, qname, nil
		}
	}
	queues, err := s.Client.ListQueues(ctx, ref.ID)
	var e *exitcode.Error
	if errors.As(err, &e) && e.Code == exitcode.Permission {
		hinted := *e
		hinted.Message += "; or name the queue by its ID (APPID:REGION:NAME), which needs no listing"
		return "", "", &hinted
	}
	if err != nil {
		return "", "", err
	}
	var named []control.Queue
	for _, q := range queues {
		if q.ID == arg {
			return q.ID, q.Name, nil
		}
		if q.Name == arg {
			named = append(named, q)
		}
	}
	switch len(named) {
	case 1:
		return named[0].ID, named[0].Name, nil
	case 0:
		known := "the app has no queues"
		if len(queues) > 0 {
			names := make([]string, len(queues))
			for i, q := range queues {
				names[i] = fmt.Sprintf("%q", q.Name)
			}
			known = "its queues: " + strings.Join(names, ", ")
		}
		return "", "", exitcode.New(exitcode.NotFound, "no queue named or with ID %q in app %s (%s)", arg, ref.Label(), known)
	}
	ids := make([]string, len(named))
	for i, q := range named {
		ids[i] = fmt.Sprintf("%q", q.ID)
	}
	return "", "", exitcode.Usagef("%d queues are named %q (%s): give the ID instead", len(named), arg, strings.Join(ids, ", "))
}
