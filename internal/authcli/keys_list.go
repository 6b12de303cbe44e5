package authcli

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func keysListCommand() *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "List an app's API keys",
		Description: `Lists the app's API keys, enabled and revoked; * marks the key the profile uses for the app.
Secrets are masked unless --show-secret is given. Needs the access-token capability read:key.

Examples:
   ably auth keys list
   ably auth keys list --app "My App"
   ably auth keys list --show-secret
   ably auth keys list --json`,
		Flags:  controlFlags(showSecretFlag()),
		Action: plugin.Action(keysListOptionsOf, runKeysList),
	}
}

// keysListOptions are what `auth keys list` was asked.
type keysListOptions struct {
	Session    session.Settings
	ShowSecret bool
}

func keysListOptionsOf(c *cli.Context) (keysListOptions, error) {
	o := keysListOptions{Session: session.SettingsOf(c), ShowSecret: c.Bool(flagShowSecret)}
	if c.Args().Present() {
		return o, exitcode.Usagef("unexpected argument %q: list takes no arguments (choose the app with --app)", c.Args().First())
	}
	return o, nil
}

func runKeysList(ctx context.Context, d plugin.Deps, o keysListOptions) error {
	out := d.Out
	s, app, err := session.NewForApp(ctx, d, o.Session, control.ReadKey, "list API keys")
	if err != nil {
		return err
	}
	keys, err := s.Client.ListKeys(ctx, app.ID)
	if err != nil {
		return err
	}
	showSecret := o.ShowSecret
	views := make([]keyOut, 0, len(keys))
	for _, k := range keys {
		views = append(views, newKeyOut(k, s.Account, showSecret))
	}
	if out.IsJSON() {
		return out.JSON(views)
	}
	if len(views) == 0 {
		return out.Printf("App %s has no API keys: create one with 'ably auth keys create --name LABEL --app %s'.\n", app.Label(), app.ID)
	}
	header := []string{"", "key name", "label", "status", "capability", "created"}
	if showSecret {
		header = append(header, "key")
	}
	rows := make([][]string, 0, len(views))
	for _, k := range views {
		mark := output.CurrentMark(k.Current)
		row := []string{mark, k.KeyName, output.OrDash(k.Name), statusText(k.Status), compactCapability(k.Capability), output.Millis(k.Created)}
		if showSecret {
			row = append(row, k.Key.Key)
		}
		rows = append(rows, row)
	}
	return out.Table(header, rows)
}
