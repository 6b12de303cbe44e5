package integrationscli

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func deleteCommand() *cli.Command {
	return &cli.Command{
		Name:      "delete",
		Usage:     "Delete an integration rule (needs Write Integration)",
		ArgsUsage: "ID",
		Description: `Asks for confirmation on a terminal; elsewhere (scripts, CI) it needs --force.

Examples:
   ably integrations delete 83IzAB
   ably integrations delete 83IzAB --app prod --force
   ably integrations delete 83IzAB --force --json`,
		Flags:  append([]cli.Flag{session.AppFlag(), plugin.ForceFlag()}, session.Flags()...),
		Action: plugin.Action(deleteOptionsOf, runDelete),
	}
}

// deleteOptions are what `integrations delete` was asked.
type deleteOptions struct {
	Session session.Settings
	ID      string // the rule's
	Force   bool
}

func deleteOptionsOf(c *cli.Context) (deleteOptions, error) {
	id, err := ruleIDArg(c)
	return deleteOptions{Session: session.SettingsOf(c), ID: id, Force: c.Bool(plugin.FlagForce)}, err
}

// deletedRule is the --json form of `integrations delete`.
type deletedRule struct {
	ID      string `json:"id"`
	AppID   string `json:"appId"`
	Deleted bool   `json:"deleted"`
}

func runDelete(ctx context.Context, d plugin.Deps, o deleteOptions) error {
	out := d.Out
	id := o.ID
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.WriteRule, "delete an integration rule")
	if err != nil {
		return err
	}
	if err := d.Confirm(ctx, o.Force, fmt.Sprintf("delete integration rule %q of app %s", id, ref.Label())); err != nil {
		return err
	}
	if err := s.Client.DeleteRule(ctx, ref.ID, id); err != nil {
		return err
	}
	if out.IsJSON() {
		return out.JSON(deletedRule{ID: id, AppID: ref.ID, Deleted: true})
	}
	out.Printf("Deleted integration rule %s from app %s.\n", id, ref.Label())
	return nil
}
