package authcli

import (
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
   ably auth keys create --name "Backend" --capability '{"chat:*":["publish","subscribe","presence"]}'
   ably auth keys create --name "Moderation" --capability '*' --revocable-tokens --app "My App"
   ably auth keys create --name "Reader" --json`,
		Flags: controlFlags(
			&cli.StringFlag{Name: "name", Usage: "the key's `LABEL`, for your reference (required)"},
			&cli.StringFlag{Name: "capability", Usage: "what the key may do, as `JSON` or short form (default: " + defaultKeyCapability + ", subscribe only)"},
			&cli.BoolFlag{Name: "revocable-tokens", Usage: "let tokens issued by this key be revoked ('ably auth revoke-token')"},
			showSecretFlag(),
		),
		Action: keysCreate,
	}
}

func keysCreate(c *cli.Context) error {
	out := plugin.Printer(c)
	if c.Args().Present() {
		return exitcode.Usagef("unexpected argument %q: create takes only flags (the label is --name)", c.Args().First())
	}
	name := c.String("name")
	if strings.TrimSpace(name) == "" {
		return exitcode.Usagef("--name is required: give the key a label, e.g. --name \"Chat server\"")
	}
	capArg := defaultKeyCapability
	if c.IsSet("capability") {
		capArg = c.String("capability")
	}
	capability, err := parseCapabilityFlag("capability", capArg)
	if err != nil {
		return err
	}
	fields := control.KeyFields{Name: &name, Capability: capability}
	if c.IsSet("revocable-tokens") {
		v := c.Bool("revocable-tokens")
		fields.RevocableTokens = &v
	}
	s, app, err := session.OpenApp(c, control.WriteKey, "create an API key")
	if err != nil {
		return err
	}
	k, err := s.Client.CreateKey(c.Context, app.ID, fields)
	if err != nil {
		return err
	}
	view := newKeyOut(*k, s.Account, c.Bool(flagShowSecret))
	if out.IsJSON() {
		return out.JSON(view)
	}
	out.Heading("API key created")
	if err := printKey(out, view); err != nil {
		return err
	}
	if !c.Bool(flagShowSecret) {
		out.ErrPrintf("The secret is masked: see it with 'ably auth keys get %s --show-secret', or make the profile use the key with 'ably auth keys switch %s'.\n",
			view.KeyName, view.KeyName)
	}
	return nil
}
