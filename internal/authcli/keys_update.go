package authcli

import (
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
		Action: keysUpdate,
	}
}

func keysUpdate(c *cli.Context) error {
	out := plugin.Printer(c)
	ref, err := keyArg(c)
	if err != nil {
		return err
	}
	var fields control.KeyFields
	if c.IsSet("name") {
		name := c.String("name")
		if strings.TrimSpace(name) == "" {
			return exitcode.Usagef("--name is empty: give the key a label, e.g. --name \"Chat server\"")
		}
		fields.Name = &name
	}
	if c.IsSet("capability") {
		if fields.Capability, err = parseCapabilityFlag("capability", c.String("capability")); err != nil {
			return err
		}
	}
	if c.IsSet("revocable-tokens") {
		v := c.Bool("revocable-tokens")
		fields.RevocableTokens = &v
	}
	if fields.Name == nil && fields.Capability == nil && fields.RevocableTokens == nil {
		return exitcode.Usagef("nothing to update: give --name, --capability or --revocable-tokens")
	}
	s, app, err := openKeyApp(c, ref, control.WriteKey, "update an API key")
	if err != nil {
		return err
	}
	k, err := s.Client.UpdateKey(c.Context, app.ID, ref.KeyID, fields)
	if err != nil {
		return err
	}
	view := newKeyOut(*k, s.Account, c.Bool(flagShowSecret))
	if out.IsJSON() {
		return out.JSON(view)
	}
	out.Heading("API key updated")
	return printKey(out, view)
}
