package appscli

import (
	"context"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func createCommand() *cli.Command {
	flags := []cli.Flag{&cli.StringFlag{Name: flagName, Usage: "the new app's `NAME` (or give it as the argument)"}}
	flags = append(flags, appSettingFlags()...)
	return &cli.Command{
		Name:  "create",
		Usage: "Create an app (needs Write App)",
		Description: `Creates an app in the account; Ably gives it a root API key. Only the settings given are
sent, the others keep Ably's defaults. Files (PEM certificates and keys, the Firebase service
account) are read and checked before anything is sent.

Examples:
   ably apps create "My App"
   ably apps create --name staging --tls-only --status disabled
   ably apps create --name mobile --fcm-service-account firebase.json --apns-auth-type token \
      --apns-signing-key AuthKey_ABC123DEFG.p8 --apns-signing-key-id ABC123DEFG \
      --apns-issuer-key TEAMID1234 --apns-topic-header com.example.app
   ably apps create --name "My App" --json`,
		ArgsUsage: "[NAME]",
		Flags:     append(flags, session.Flags()...),
		Action:    plugin.Action(createOptionsOf, runCreate),
	}
}

// createOptions are what `apps create` was asked: the settings to send, files already read.
type createOptions struct {
	Session session.Settings
	Fields  control.AppFields
}

func createOptionsOf(c *cli.Context) (createOptions, error) {
	o := createOptions{Session: session.SettingsOf(c)}
	name, set, err := plugin.ArgOrFlag(c, flagName, "app name")
	if err != nil {
		return o, err
	}
	if !set {
		return o, exitcode.Usagef("the new app's name is required: 'ably apps create \"My App\"' or --name \"My App\"")
	}
	if strings.TrimSpace(name) == "" {
		return o, exitcode.Usagef("the app name is empty: give the app a name")
	}
	if o.Fields, err = appFieldsFromFlags(c); err != nil {
		return o, err
	}
	o.Fields.Name = &name
	return o, nil
}

func runCreate(ctx context.Context, d plugin.Deps, o createOptions) error {
	out := d.Out
	s, err := session.New(ctx, d, o.Session)
	if err != nil {
		return err
	}
	accountID, err := s.AccountID(ctx)
	if err != nil {
		return err
	}
	app, err := s.Client.CreateApp(ctx, accountID, o.Fields)
	if err != nil {
		return err
	}
	if out.IsJSON() {
		return out.JSON(app)
	}
	out.Printf("Created app %s.\n", session.AppLabel(app.ID, app.Name))
	if err := out.Details(appDetails(*app)); err != nil {
		return err
	}
	out.ErrPrintf("Make it the current app with 'ably apps switch %s'.\n", app.ID)
	return nil
}
