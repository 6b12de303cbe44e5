package authcli

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func keysSwitchCommand() *cli.Command {
	return &cli.Command{
		Name:      "switch",
		Usage:     "Make the profile use an API key for its app",
		ArgsUsage: "KEY",
		Description: `KEY is ` + keyArgHelp + `. Stores the key (apiKey, keyId, keyName)
in the profile for the app, so that commands such as 'ably auth issue-jwt-token' use it without
--api-key; the app becomes the profile's current app when it has none. The secret is read with
the Control API: needs the access-token capability read:key.

Examples:
   ably auth keys switch xVLyHw.A-pwh7
   ably auth keys switch A-pwh7 --app "My App"
   ably --profile work auth keys switch xVLyHw.A-pwh7 --json`,
		Flags:  controlFlags(),
		Action: plugin.Action(keyOptionsOf, runKeysSwitch),
	}
}

// switchResult is the --json form of `auth keys switch`.
type switchResult struct {
	Profile      string `json:"profile"`
	AppID        string `json:"appId"`
	AppName      string `json:"appName"`
	KeyID        string `json:"keyId"`
	KeyName      string `json:"keyName"`
	Label        string `json:"label"`
	AppIsCurrent bool   `json:"appIsCurrent"` // the app is the profile's current app
}

func runKeysSwitch(ctx context.Context, d plugin.Deps, o keyOptions) error {
	out := d.Out
	ref := o.Key
	s, err := session.New(ctx, d, o.Session)
	if err != nil {
		return err
	}
	if s.Alias == "" {
		return exitcode.Usagef("no profile to store the key in: log in first with 'ably accounts login'")
	}
	if err := s.Client.Check(ctx, control.ReadKey, "list API keys"); err != nil {
		return err
	}
	app, err := keyApp(ctx, s, o.Session.App, ref)
	if err != nil {
		return err
	}
	keys, err := s.Client.ListKeys(ctx, app.ID)
	if err != nil {
		return err
	}
	k, err := findKey(keys, app, ref)
	if err != nil {
		return err
	}
	if k.Status != 0 {
		return exitcode.Usagef("key %s is %s: choose an enabled key (see 'ably auth keys list --app %s')", ref.Name(app.ID), statusText(k.Status), app.ID)
	}
	res, err := storeProfileKey(ctx, s, app, k)
	if err != nil {
		return err
	}
	if out.IsJSON() {
		return out.JSON(res)
	}
	out.Printf("Profile %q now uses key %s (%s) for app %s.\n", res.Profile, res.KeyName, output.OrDash(res.Label), app.Label())
	if res.AppIsCurrent {
		out.Printf("App %s is the profile's current app.\n", app.ID)
	}
	return nil
}

// storeProfileKey records the key as the profile's key for the app, and makes the app
// current when the profile has no current app.
func storeProfileKey(ctx context.Context, s *session.Session, app session.AppRef, k control.Key) (switchResult, error) {
	res := switchResult{Profile: s.Alias, AppID: app.ID, KeyID: k.ID, KeyName: app.ID + "." + k.ID, Label: k.Name}
	// What is stored is used as a credential later: it must be this key, whole.
	if parsed, err := ablyauth.ParseKey(k.Key); err != nil || parsed.Name() != res.KeyName {
		return res, exitcode.New(exitcode.Network, "the Control API answered key %s with a key value that is not APPID.KEYID:SECRET of that key: nothing was stored", res.KeyName)
	}
	err := config.Update(ctx, s.ConfigPath, func(f *config.File) error {
		a, ok := f.Account(s.Alias)
		if !ok {
			return exitcode.New(exitcode.NotFound, "profile %q is gone from %s: log in again with 'ably accounts login --alias %s'", s.Alias, s.ConfigPath, s.Alias)
		}
		if a.Apps == nil {
			a.Apps = map[string]config.App{}
		}
		entry := a.Apps[app.ID]
		// keyName is the key's label, as the official CLI keeps it; APPID.KEYID is the
		// apiKey's own.
		entry.APIKey, entry.KeyID, entry.KeyName = k.Key, k.ID, k.Name
		if app.Name != "" {
			entry.AppName = app.Name
		}
		a.Apps[app.ID] = entry
		if a.CurrentAppID == "" {
			a.CurrentAppID = app.ID
		}
		res.AppName, res.AppIsCurrent = entry.AppName, a.CurrentAppID == app.ID
		return f.PutAccount(s.Alias, a)
	})
	return res, err
}
