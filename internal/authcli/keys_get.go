package authcli

import (
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
		Action: keysGet,
	}
}

func keysGet(c *cli.Context) error {
	out := plugin.Printer(c)
	ref, err := keyArg(c)
	if err != nil {
		return err
	}
	s, app, err := openKeyApp(c, ref, control.ReadKey, "list API keys")
	if err != nil {
		return err
	}
	keys, err := s.Client.ListKeys(c.Context, app.ID)
	if err != nil {
		return err
	}
	k, err := findKey(keys, app, ref)
	if err != nil {
		return err
	}
	view := newKeyOut(k, s.Account, c.Bool(flagShowSecret))
	if out.IsJSON() {
		return out.JSON(view)
	}
	return printKey(out, view)
}
