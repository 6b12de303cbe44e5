package appscli

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func updateCommand() *cli.Command {
	flags := []cli.Flag{session.AppFlag(), &cli.StringFlag{Name: flagName, Usage: "rename the app to `NAME`"}}
	flags = append(flags, appSettingFlags()...)
	return &cli.Command{
		Name:  "update",
		Usage: "Change an app's name, status, TLS setting or push credentials (needs Write App)",
		Description: `Sends only the settings given: everything else stays as it is. The app is the argument
(a name or an ID), --app, ABLY_APP_ID or the profile's current app.

Examples:
   ably apps update --name "New name"
   ably apps update staging --status disabled
   ably apps update --app a1b2c3 --tls-only=false
   ably apps update --apns-certificate cert.pem --apns-private-key key.pem --apns-auth-type certificate
   ably apps update --fcm-service-account firebase.json --fcm-project-id my-project --json`,
		ArgsUsage: "[NAME|ID]",
		Flags:     append(flags, session.Flags()...),
		Action:    plugin.Action(updateOptionsOf, runUpdate),
	}
}

// updateOptions are what `apps update` was asked: the settings to send (at least one), files
// already read.
type updateOptions struct {
	Session session.Settings
	Fields  control.AppFields
}

func updateOptionsOf(c *cli.Context) (updateOptions, error) {
	o := updateOptions{Session: session.SettingsOf(c)}
	app, set, err := plugin.ArgOrFlag(c, session.FlagApp, "app")
	if err != nil {
		return o, err
	}
	if set {
		o.Session.App = app
	}
	if o.Fields, err = appFieldsFromFlags(c); err != nil {
		return o, err
	}
	if o.Fields == (control.AppFields{}) {
		return o, exitcode.Usagef("nothing to change: pass %s (see 'ably apps update --help')", appSettingsFlagsForError)
	}
	return o, nil
}

func runUpdate(ctx context.Context, d plugin.Deps, o updateOptions) error {
	out := d.Out
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.WriteApp, "update an app")
	if err != nil {
		return err
	}
	app, err := s.Client.UpdateApp(ctx, ref.ID, o.Fields)
	if err != nil {
		return err
	}
	if o.Fields.Name != nil {
		// The profile resolves --app by the names it knows: keep them true.
		if err := renameInProfile(ctx, s, app.ID, app.Name); err != nil {
			return err
		}
	}
	if out.IsJSON() {
		return out.JSON(app)
	}
	out.Printf("Updated app %s.\n", session.AppLabel(app.ID, app.Name))
	return out.Details(appDetails(*app))
}

// renameInProfile records an app's new name where the profile already knows the app.
func renameInProfile(ctx context.Context, s *session.Session, appID, name string) error {
	if _, known := s.Account.Apps[appID]; !known || s.Alias == "" {
		return nil
	}
	return config.Update(ctx, s.ConfigPath, func(f *config.File) error {
		a, ok := f.Account(s.Alias)
		app, known := a.Apps[appID]
		if !ok || !known || app.AppName == name {
			return nil
		}
		app.AppName = name
		a.Apps[appID] = app
		return f.PutAccount(s.Alias, a)
	})
}
