package authcli

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/plugin"
)

func keysGetCommand() *cli.Command {
	return &cli.Command{
		Name:      "get",
		Usage:     "Show one API key: its label, status and capability per resource",
		ArgsUsage: "KEY",
		Description: `KEY is ` + keyArgHelp + `; with an app part, --app is not needed.
The secret is masked unless --show-secret is given. Needs the access-token capability read:key.

Examples:
   ably auth keys get xVLyHw.A-pwh7
   ably auth keys get A-pwh7 --app "My App"
   ably auth keys get xVLyHw.A-pwh7 --show-secret
   ably auth keys get xVLyHw.A-pwh7 --json`,
		Flags:  controlFlags(showSecretFlag()),
		Action: plugin.Action(keysGetOptionsOf, runKeysGet),
	}
}

// keysGetOptions are what `auth keys get` was asked.
type keysGetOptions struct {
	keyOptions
	ShowSecret bool
}

func keysGetOptionsOf(c *cli.Context) (keysGetOptions, error) {
	o, err := keyOptionsOf(c)
	return keysGetOptions{keyOptions: o, ShowSecret: c.Bool(flagShowSecret)}, err
}

func runKeysGet(ctx context.Context, d plugin.Deps, o keysGetOptions) error {
	out := d.Out
	s, app, err := openKeyApp(ctx, d, o.keyOptions, control.ReadKey, "list API keys")
	if err != nil {
		return err
	}
	keys, err := s.Client.ListKeys(ctx, app.ID)
	if err != nil {
		return err
	}
	k, err := findKey(keys, app, o.Key)
	if err != nil {
		return err
	}
	view := newKeyOut(k, s.Account, o.ShowSecret)
	if out.IsJSON() {
		return out.JSON(view)
	}
	return printKey(out, view)
}
