package integrationscli

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func getCommand() *cli.Command {
	return &cli.Command{
		Name:      "get",
		Usage:     "Show one integration rule (needs Read Integration)",
		ArgsUsage: "ID",
		Description: `Shows every field of the rule: type, status, mode, source, the target's fields by their API
names (target.url, target.authentication.accessKeyId, ...), version and times.

` + secretsHelp + `

Examples:
   ably integrations get 83IzAB
   ably integrations get 83IzAB --app prod --json
   ably integrations get 83IzAB --show-secret`,
		Flags:  commonFlags(),
		Action: plugin.Action(getOptionsOf, runGet),
	}
}

// getOptions are what `integrations get` was asked.
type getOptions struct {
	Session    session.Settings
	ID         string // the rule's
	ShowSecret bool
}

func getOptionsOf(c *cli.Context) (getOptions, error) {
	id, err := ruleIDArg(c)
	return getOptions{Session: session.SettingsOf(c), ID: id, ShowSecret: c.Bool(flagShowSecret)}, err
}

func runGet(ctx context.Context, d plugin.Deps, o getOptions) error {
	out := d.Out
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.ReadRule, "get an integration rule")
	if err != nil {
		return err
	}
	rule, err := s.Client.GetRule(ctx, ref.ID, o.ID)
	if err != nil {
		return err
	}
	shown, err := showRule(*rule, o.ShowSecret)
	if err != nil {
		return err
	}
	if out.IsJSON() {
		return out.JSON(shown)
	}
	return out.Details(shown.details())
}
