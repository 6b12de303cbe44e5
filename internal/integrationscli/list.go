package integrationscli

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func listCommand() *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "List the app's integration rules (needs Read Integration)",
		Description: `One line per rule: ID, type, request mode (or invocation mode), status, source (event type
and channel filter) and a summary of the target. Rules of types this suite does not model are
listed too, with their type and "-" as target.

` + secretsHelp + `

Examples:
   ably integrations list
   ably integrations list --app prod
   ably integrations list --json`,
		Flags:  commonFlags(),
		Action: plugin.Action(listOptionsOf, runList),
	}
}

// listOptions are what `integrations list` was asked.
type listOptions struct {
	Session    session.Settings
	ShowSecret bool
}

func listOptionsOf(c *cli.Context) (listOptions, error) {
	return listOptions{Session: session.SettingsOf(c), ShowSecret: c.Bool(flagShowSecret)}, noArgs(c)
}

func runList(ctx context.Context, d plugin.Deps, o listOptions) error {
	out := d.Out
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.ReadRule, "list integration rules")
	if err != nil {
		return err
	}
	rules, err := s.Client.ListRules(ctx, ref.ID)
	if err != nil {
		return err
	}
	shown, err := showRules(rules, o.ShowSecret)
	if err != nil {
		return err
	}
	if out.IsJSON() {
		return out.JSON(shown)
	}
	if len(shown) == 0 {
		out.Printf("No integration rules in app %s: create one with 'ably integrations create'.\n", ref.Label())
		return nil
	}
	rows := make([][]string, len(shown))
	for i, r := range shown {
		rows[i] = r.row()
	}
	return out.Table(ruleHeader, rows)
}
