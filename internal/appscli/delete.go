package appscli

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
		Name:  "delete",
		Usage: "Delete an app, with its keys, rules and queues (needs Write App)",
		Description: `The app is the argument (a name or an ID), --app, ABLY_APP_ID or the profile's current
app. Asks for confirmation on a terminal; elsewhere (scripts, CI) it needs --force. Deleting the
profile's current app clears it as current and drops it from the profile.

Examples:
   ably apps delete staging
   ably apps delete --app a1b2c3 --force
   ably apps delete --app a1b2c3 --force --json`,
		ArgsUsage: "[NAME|ID]",
		Flags:     append([]cli.Flag{session.AppFlag(), plugin.ForceFlag()}, session.Flags()...),
		Action:    plugin.Action(deleteOptionsOf, runDelete),
	}
}

// deletedApp is the --json form of `apps delete`.
type deletedApp struct {
	ID         string `json:"id"`
	Name       string `json:"name,omitempty"`
	Deleted    bool   `json:"deleted"`
	WasCurrent bool   `json:"wasCurrent"`
}

// deleteOptions are what `apps delete` was asked; the app is the Session's.
type deleteOptions struct {
	Session session.Settings
	Force   bool
}

func deleteOptionsOf(c *cli.Context) (deleteOptions, error) {
	o := deleteOptions{Session: session.SettingsOf(c), Force: c.Bool(plugin.FlagForce)}
	app, set, err := plugin.ArgOrFlag(c, session.FlagApp, "app")
	if set {
		o.Session.App = app
	}
	return o, err
}

func runDelete(ctx context.Context, d plugin.Deps, o deleteOptions) error {
	out := d.Out
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.WriteApp, "delete an app")
	if err != nil {
		return err
	}
	label := session.AppLabel(ref.ID, ref.Name)
	if err := d.Confirm(ctx, o.Force, "delete app "+label+" with its keys, channel rules, integrations and queues"); err != nil {
		return err
	}
	if err := s.Client.DeleteApp(ctx, ref.ID); err != nil {
		return err
	}
	wasCurrent, err := forgetApp(ctx, s, ref.ID)
	if err != nil {
		return fmt.Errorf("app %s was deleted, but updating profile %q failed: %w", label, s.Alias, err)
	}
	if out.IsJSON() {
		return out.JSON(deletedApp{ID: ref.ID, Name: ref.Name, Deleted: true, WasCurrent: wasCurrent})
	}
	out.Printf("Deleted app %s.\n", label)
	if wasCurrent {
		fmt.Fprintf(out.Out, "It was the current app of profile %q: choose another with 'ably apps switch NAME|ID'.\n", s.Alias)
	}
	return nil
}
