package authcli

import (
	"context"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

// defaultKeyCapability is the capability of a key created without --capability: subscribe
// only, so a key made in haste can read but never publish or administer; more is granted
// by asking for it.
const defaultKeyCapability = `{"*":["subscribe"]}`

func keysCreateCommand() *cli.Command {
	return &cli.Command{
		Name:  "create",
		Usage: "Create an API key for an app",
		Description: `Creates an API key with a label and a capability. Without --capability the key may only
subscribe, on every channel: grant more explicitly (--capability '*' grants everything).
The new key is shown with its secret masked unless --show-secret is given; it can be shown later
with 'ably auth keys get KEY --show-secret'. Needs the access-token capability write:key.

` + capabilityHelp + `

Examples:
   ably auth keys create --name "Chat server" --capability publish,subscribe
   ably auth keys create "Backend" --capability '{"chat:*":["publish","subscribe","presence"]}'
   ably auth keys create --name "Moderation" --capability '*' --revocable-tokens --app "My App"
   ably auth keys create --name "Reader" --json`,
		ArgsUsage: "[LABEL]",
		Flags: controlFlags(
			&cli.StringFlag{Name: "name", Usage: "the key's `LABEL`, for your reference (or give it as the argument)"},
			&cli.StringFlag{Name: "capability", Usage: "what the key may do, as `JSON` or short form (default: " + defaultKeyCapability + ", subscribe only)"},
			&cli.BoolFlag{Name: "revocable-tokens", Usage: "let tokens issued by this key be revoked ('ably auth revoke-token')"},
			showSecretFlag(),
		),
		Action: plugin.Action(keysCreateOptionsOf, runKeysCreate),
	}
}

// keysCreateOptions are what `auth keys create` was asked.
type keysCreateOptions struct {
	Session    session.Settings
	Fields     control.KeyFields // the label and capability always; revocableTokens when given
	ShowSecret bool
}

func keysCreateOptionsOf(c *cli.Context) (keysCreateOptions, error) {
	o := keysCreateOptions{Session: session.SettingsOf(c), ShowSecret: c.Bool(flagShowSecret)}
	name, _, err := plugin.ArgOrFlag(c, "name", "key label")
	if err != nil {
		return o, err
	}
	if strings.TrimSpace(name) == "" {
		return o, exitcode.Usagef("the key's label is required: 'ably auth keys create \"Chat server\"' or --name \"Chat server\"")
	}
	capArg := defaultKeyCapability
	if c.IsSet("capability") {
		capArg = c.String("capability")
	}
	capability, err := parseCapabilityFlag("capability", capArg)
	if err != nil {
		return o, err
	}
	o.Fields = control.KeyFields{Name: &name, Capability: capability}
	if c.IsSet("revocable-tokens") {
		v := c.Bool("revocable-tokens")
		o.Fields.RevocableTokens = &v
	}
	return o, nil
}

func runKeysCreate(ctx context.Context, d plugin.Deps, o keysCreateOptions) error {
	out := d.Out
	s, app, err := session.NewForApp(ctx, d, o.Session, control.WriteKey, "create an API key")
	if err != nil {
		return err
	}
	k, err := s.Client.CreateKey(ctx, app.ID, o.Fields)
	if err != nil {
		return err
	}
	view := newKeyOut(*k, s.Account, o.ShowSecret)
	if out.IsJSON() {
		return out.JSON(view)
	}
	out.Heading("API key created")
	if err := printKey(out, view); err != nil {
		return err
	}
	if !o.ShowSecret {
		out.ErrPrintf("The secret is masked: see it with 'ably auth keys get %s --show-secret', or make the profile use the key with 'ably auth keys switch %s'.\n",
			view.KeyName, view.KeyName)
	}
	return nil
}
