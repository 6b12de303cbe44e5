package appscli

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func listCommand() *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "List the account's apps (needs Read App)",
		Description: `Lists the apps of the account, marking the profile's current app with '*'. With a logged-in
profile this is one request.

Examples:
   ably apps list
   ably apps list --json
   ably --profile work apps list`,
		Flags:  session.Flags(),
		Action: plugin.Action(listOptionsOf, runList),
	}
}

// listedApp is one app in `apps list --json`: the API's object, plus whether it is the
// profile's current app.
type listedApp struct {
	control.App
	Current bool
}

func (l listedApp) MarshalJSON() ([]byte, error) {
	return output.WithField(l.App, "current", l.Current)
}

// listOptions are what `apps list` was asked.
type listOptions struct {
	Session session.Settings
}

func listOptionsOf(c *cli.Context) (listOptions, error) {
	o := listOptions{Session: session.SettingsOf(c)}
	if c.Args().Present() {
		return o, exitcode.Usagef("unexpected argument %q: list takes no arguments", c.Args().First())
	}
	return o, nil
}

func runList(ctx context.Context, d plugin.Deps, o listOptions) error {
	out := d.Out
	s, err := session.New(ctx, d, o.Session)
	if err != nil {
		return err
	}
	accountID, err := s.AccountID(ctx)
	if err != nil {
		return err
	}
	apps, err := s.Client.ListApps(ctx, accountID)
	if err != nil {
		return err
	}
	current := s.Account.CurrentAppID
	if out.IsJSON() {
		rows := make([]listedApp, 0, len(apps))
		for _, a := range apps {
			rows = append(rows, listedApp{App: a, Current: a.ID == current})
		}
		return out.JSON(rows)
	}
	if len(apps) == 0 {
		fmt.Fprintln(out.Out, "No apps in this account yet: create one with 'ably apps create --name NAME'.")
		return nil
	}
	rows := make([][]string, 0, len(apps))
	for _, a := range apps {
		mark := output.CurrentMark(a.ID == current)
		rows = append(rows, []string{mark, a.ID, a.Name, a.Status, optBool(a.TLSOnly), output.Millis(a.Created)})
	}
	return out.Table([]string{"", "id", "name", "status", "tls only", "created"}, rows)
}
