package authcli

import (
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
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
		Action: keysCurrent,
	}
}

// currentKeyResult is the --json form of `auth keys current`.
type currentKeyResult struct {
	Profile string `json:"profile"`
	AppID   string `json:"appId"`
	AppName string `json:"appName"`
	KeyID   string `json:"keyId"`
	KeyName string `json:"keyName"`
	APIKey  string `json:"apiKey"` // masked unless --show-secret
}

func keysCurrent(c *cli.Context) error {
	out := plugin.Printer(c)
	env := plugin.EnvOf(c)
	if c.Args().Present() {
		return exitcode.Usagef("unexpected argument %q: current takes no arguments (choose the app with --app)", c.Args().First())
	}
	dir, err := config.Dir(env.Getenv)
	if err != nil {
		return err
	}
	f, err := config.Load(config.PathIn(dir))
	if err != nil {
		return err
	}
	alias, acct, found, err := f.Select(plugin.Profile(c))
	if err != nil {
		return err
	}
	if !found {
		return exitcode.Usagef("no profile is logged in: run 'ably accounts login', then choose a key with 'ably auth keys switch'")
	}
	appID, err := profileApp(c, env.Getenv, alias, acct)
	if err != nil {
		return err
	}
	entry := acct.Apps[appID]
	keyName := profileKeyName(acct, appID)
	if entry.APIKey == "" || keyName == "" {
		return exitcode.New(exitcode.NotFound, "profile %q has no API key for app %q: choose one with 'ably auth keys switch KEY --app %s'", alias, appID, appID)
	}
	res := currentKeyResult{Profile: alias, AppID: appID, AppName: entry.AppName, KeyName: keyName, APIKey: output.MaskSecret(entry.APIKey)}
	_, res.KeyID, _ = strings.Cut(keyName, ".")
	if c.Bool(flagShowSecret) {
		res.APIKey = entry.APIKey
	}
	if out.IsJSON() {
		return out.JSON(res)
	}
	return out.Details([]output.Field{
		{Label: "Profile", Value: res.Profile},
		{Label: "App", Value: session.AppLabel(appID, entry.AppName)},
		{Label: "Key name", Value: res.KeyName},
		{Label: "Key ID", Value: res.KeyID},
		{Label: "Key", Value: res.APIKey},
	})
}

// profileApp is the app asked for, resolved in the profile alone: --app (an ID or a name the
// profile knows), ABLY_APP_ID, else the profile's current app.
func profileApp(c *cli.Context, getenv func(string) string, alias string, acct config.Account) (string, error) {
	value, source := c.String(session.FlagApp), "--app"
	if value == "" {
		value, source = getenv("ABLY_APP_ID"), "ABLY_APP_ID"
	}
	if value == "" {
		if acct.CurrentAppID == "" {
			return "", exitcode.Usagef("no app selected: pass --app NAME|ID, set ABLY_APP_ID, or choose one with 'ably apps switch'")
		}
		return acct.CurrentAppID, nil
	}
	if _, ok := acct.Apps[value]; ok {
		return value, nil
	}
	var named []string
	for id, a := range acct.Apps {
		if a.AppName == value {
			named = append(named, id)
		}
	}
	switch len(named) {
	case 1:
		return named[0], nil
	case 0:
	default:
		sort.Strings(named)
		return "", exitcode.Usagef("%d apps of profile %q are named %q (%s): give the ID instead", len(named), alias, value, strings.Join(named, ", "))
	}
	return "", exitcode.New(exitcode.NotFound, "profile %q has no API key for app %q (from %s): choose one with 'ably auth keys switch KEY --app %s'", alias, value, source, value)
}
