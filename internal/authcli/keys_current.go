package authcli

import (
	"context"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/resolve"
	"github.com/ably/ably-suite/pkg/session"
)

func keysCurrentCommand() *cli.Command {
	return &cli.Command{
		Name:  "current",
		Usage: "Show the API key the profile uses for an app",
		Description: `Reads only the config file: no network, no access token needed. The app is --app (a name or
ID the profile knows), ABLY_APP_ID, else the profile's current app. The secret is masked unless
--show-secret is given.

Examples:
   ably auth keys current
   ably auth keys current --app "My App"
   ably auth keys current --show-secret
   ably --profile work auth keys current --json`,
		Flags:  []cli.Flag{session.AppFlag(), showSecretFlag()},
		Action: plugin.Action(keysCurrentOptionsOf, runKeysCurrent),
	}
}

// currentKeyResult is the --json form of `auth keys current`. The key itself is "key", as in
// `auth keys list` and `get` (and the Control API), masked the same way unless --show-secret.
type currentKeyResult struct {
	Profile string `json:"profile"`
	AppID   string `json:"appId"`
	AppName string `json:"appName"`
	KeyID   string `json:"keyId"`
	KeyName string `json:"keyName"`
	Key     string `json:"key"` // APPID.KEYID:SECRET; masked by maskKey unless --show-secret
}

// keysCurrentOptions are what `auth keys current` was asked.
type keysCurrentOptions struct {
	Resolve    resolve.Flags // --profile and --app
	ShowSecret bool
}

func keysCurrentOptionsOf(c *cli.Context) (keysCurrentOptions, error) {
	o := keysCurrentOptions{Resolve: resolve.FlagsOf(c), ShowSecret: c.Bool(flagShowSecret)}
	if c.Args().Present() {
		return o, exitcode.Usagef("unexpected argument %q: current takes no arguments (choose the app with --app)", c.Args().First())
	}
	return o, nil
}

// runKeysCurrent reads the config file only.
func runKeysCurrent(_ context.Context, d plugin.Deps, o keysCurrentOptions) error {
	out := d.Out
	// The output is the key alone: the file's permission warnings are left to the commands
	// that use it.
	opt := resolve.OptionsFor(d, o.Resolve)
	opt.Warn = nil
	r := resolve.New(opt)
	profile, err := r.Profile()
	if err != nil {
		return err
	}
	if !profile.Found {
		return exitcode.Usagef("no profile is logged in: run 'ably accounts login', then choose a key with 'ably auth keys switch'")
	}
	alias, acct := profile.Alias, profile.Account
	// Only the profile is consulted: an app it does not know has no key in it.
	app, err := r.App(func(value, source string) (resolve.App, error) {
		return resolve.App{}, exitcode.New(exitcode.NotFound, "profile %q has no API key for app %q (from %s): choose one with 'ably auth keys switch KEY --app %s'", alias, value, source, value)
	})
	if err != nil {
		return err
	}
	appID := app.ID
	entry := acct.Apps[appID]
	keyName := profileKeyName(acct, appID)
	if entry.APIKey == "" || keyName == "" {
		return exitcode.New(exitcode.NotFound, "profile %q has no API key for app %q: choose one with 'ably auth keys switch KEY --app %s'", alias, appID, appID)
	}
	res := currentKeyResult{Profile: alias, AppID: appID, AppName: entry.AppName, KeyName: keyName, Key: maskKey(entry.APIKey, o.ShowSecret)}
	_, res.KeyID, _ = strings.Cut(keyName, ".")
	if out.IsJSON() {
		return out.JSON(res)
	}
	return out.Details([]output.Field{
		{Label: "Profile", Value: res.Profile},
		{Label: "App", Value: session.AppLabel(appID, entry.AppName)},
		{Label: "Key name", Value: res.KeyName},
		{Label: "Key ID", Value: res.KeyID},
		{Label: "Key", Value: res.Key},
	})
}
