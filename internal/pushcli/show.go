package pushcli

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func showCommand() *cli.Command {
	return &cli.Command{
		Name:  "show",
		Usage: "Show an app's push configuration (needs Read App)",
		Description: `Shows whether APNs and FCM are configured and how: the APNs auth type (certificate or
token), whether a .p12 certificate and a .p8 signing key are configured, the signing key's
ID, team ID, topic (bundle ID) and endpoint (sandbox or production); the FCM project ID and
whether a service account is configured. Secrets are never shown: the Control API does not
return them.

Examples:
   ably push config show
   ably push config show --app "My App"
   ably push config show --json`,
		Flags:  append([]cli.Flag{session.AppFlag()}, session.Flags()...),
		Action: plugin.Action(showOptionsOf, runShow),
	}
}

// showOptions are what `push config show` was asked.
type showOptions struct {
	Session session.Settings
}

func showOptionsOf(c *cli.Context) (showOptions, error) {
	return showOptions{Session: session.SettingsOf(c)}, noArgs(c, "name the app with --app")
}

func runShow(ctx context.Context, d plugin.Deps, o showOptions) error {
	out := d.Out
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.ReadApp, "read an app's push configuration")
	if err != nil {
		return err
	}
	app, err := appOf(ctx, s, ref)
	if err != nil {
		return err
	}
	cfg := configOf(app)
	if out.IsJSON() {
		return out.JSON(cfg)
	}
	out.Printf("Push configuration of app %s:\n", session.AppLabel(app.ID, app.Name))
	return out.Details(cfg.details())
}
