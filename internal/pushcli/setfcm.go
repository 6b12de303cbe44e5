package pushcli

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/internal/pushcred"
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

const flagServiceAccount = "service-account"

func setFCMCommand() *cli.Command {
	return &cli.Command{
		Name:  "set-fcm",
		Usage: "Set an app's Firebase Cloud Messaging service account (needs Write App)",
		Description: `Sends the service account JSON file from the Firebase console (Project settings, Service
accounts, Generate new private key) and its project ID. The file is checked first: JSON with
"type": "service_account" and a "project_id". Its contents are never printed.

Examples:
   ably push config set-fcm --service-account firebase.json
   ably push config set-fcm --service-account firebase.json --app "My App"
   ably push config set-fcm --service-account firebase.json --json`,
		Flags: append([]cli.Flag{
			session.AppFlag(),
			&cli.StringFlag{Name: flagServiceAccount, Usage: "the Firebase service account JSON `FILE` (required)"},
		}, session.Flags()...),
		Action: plugin.Action(setFCMOptionsOf, runSetFCM),
	}
}

// setFCMOptions are what `push config set-fcm` was asked: the service account file, read and
// checked, and its project.
type setFCMOptions struct {
	Session        session.Settings
	ServiceAccount string
	ProjectID      string
}

func setFCMOptionsOf(c *cli.Context) (setFCMOptions, error) {
	o := setFCMOptions{Session: session.SettingsOf(c)}
	if err := noArgs(c, "give the file with --service-account"); err != nil {
		return o, err
	}
	if !c.IsSet(flagServiceAccount) {
		return o, exitcode.Usagef("--service-account is required: the service account JSON file from the Firebase console")
	}
	path := c.String(flagServiceAccount)
	data, err := readFlagFile(flagServiceAccount, path)
	if err != nil {
		return o, err
	}
	if o.ProjectID, err = pushcred.ServiceAccount(data); err != nil {
		return o, exitcode.Usagef("--%s %s: %v", flagServiceAccount, path, err)
	}
	o.ServiceAccount = string(data)
	return o, nil
}

func runSetFCM(ctx context.Context, d plugin.Deps, o setFCMOptions) error {
	out := d.Out
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.WriteApp, "set an app's FCM service account")
	if err != nil {
		return err
	}
	out.Verbosef("sending the service account of Firebase project %s to app %s", o.ProjectID, ref.Label())
	app, err := s.Client.UpdateApp(ctx, ref.ID, control.AppFields{FCMServiceAccount: &o.ServiceAccount, FCMProjectID: &o.ProjectID})
	if err != nil {
		return err
	}
	cfg := configOf(*app)
	if out.IsJSON() {
		return out.JSON(changed{pushConfig: cfg, Updated: "fcm"})
	}
	out.Printf("Set the FCM service account of app %s (Firebase project %s).\n", session.AppLabel(app.ID, app.Name), o.ProjectID)
	return out.Details(cfg.details())
}
