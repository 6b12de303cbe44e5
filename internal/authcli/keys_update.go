package authcli

import (
	"context"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
)

func keysUpdateCommand() *cli.Command {
	return &cli.Command{
		Name:      "update",
		Usage:     "Change an API key's label, capability or revocable tokens",
		ArgsUsage: "KEY",
		Description: `KEY is ` + keyArgHelp + `. Only the flags given are changed; a
new capability replaces the old one whole. Needs the access-token capability write:key.

` + capabilityHelp + `

Examples:
   ably auth keys update xVLyHw.A-pwh7 --name "Chat server (old)"
   ably auth keys update xVLyHw.A-pwh7 --capability publish,subscribe,presence
   ably auth keys update A-pwh7 --app "My App" --revocable-tokens
   ably auth keys update xVLyHw.A-pwh7 --revocable-tokens=false --json`,
		Flags: controlFlags(
			&cli.StringFlag{Name: "name", Usage: "the key's new `LABEL`"},
			&cli.StringFlag{Name: "capability", Usage: "the key's new capability, as `JSON` or short form"},
			&cli.BoolFlag{Name: "revocable-tokens", Usage: "let tokens issued by this key be revoked (--revocable-tokens=false to stop)"},
			showSecretFlag(),
		),
		Action: plugin.Action(keysUpdateOptionsOf, runKeysUpdate),
	}
}

// keysUpdateOptions are what `auth keys update` was asked.
type keysUpdateOptions struct {
	keyOptions
	Fields     control.KeyFields // only what was given
	ShowSecret bool
}

func keysUpdateOptionsOf(c *cli.Context) (keysUpdateOptions, error) {
	ko, err := keyOptionsOf(c)
	o := keysUpdateOptions{keyOptions: ko, ShowSecret: c.Bool(flagShowSecret)}
	if err != nil {
		return o, err
	}
	if c.IsSet("name") {
		name := c.String("name")
		if strings.TrimSpace(name) == "" {
			return o, exitcode.Usagef("--name is empty: give the key a label, e.g. --name \"Chat server\"")
		}
		o.Fields.Name = &name
	}
	if c.IsSet("capability") {
		if o.Fields.Capability, err = parseCapabilityFlag("capability", c.String("capability")); err != nil {
			return o, err
		}
	}
	if c.IsSet("revocable-tokens") {
		v := c.Bool("revocable-tokens")
		o.Fields.RevocableTokens = &v
	}
	if o.Fields.Name == nil && o.Fields.Capability == nil && o.Fields.RevocableTokens == nil {
		return o, exitcode.Usagef("nothing to update: give --name, --capability or --revocable-tokens")
	}
	return o, nil
}

func runKeysUpdate(ctx context.Context, d plugin.Deps, o keysUpdateOptions) error {
	out := d.Out
	s, app, err := openKeyApp(ctx, d, o.keyOptions, control.WriteKey, "update an API key")
	if err != nil {
		return err
	}
	k, err := s.Client.UpdateKey(ctx, app.ID, o.Key.KeyID, o.Fields)
	if err != nil {
		return err
	}
	view := newKeyOut(*k, s.Account, o.ShowSecret)
	if out.IsJSON() {
		return out.JSON(view)
	}
	out.Heading("API key updated")
	return printKey(out, view)
}
