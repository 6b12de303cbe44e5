package authcli

import (
	"context"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

const flagShowSecret = "show-secret"

func keysCommand() *cli.Command {
	return &cli.Command{
		Name:  "keys",
		Usage: "Manage an app's API keys, and the key the profile uses for it",
		Description: `Lists, shows, creates, updates and revokes an app's API keys with the Control API, and
chooses the key the profile uses for the app (the key 'ably auth issue-jwt-token' and
'ably auth issue-ably-token' sign with when no --api-key is given). Secrets are masked
unless --show-secret is given.

Examples:
   ably auth keys list
   ably auth keys create --name "Chat server" --capability publish,subscribe
   ably auth keys switch xVLyHw.A-pwh7
   ably auth keys current`,
		Subcommands: []*cli.Command{
			keysListCommand(), keysGetCommand(), keysCreateCommand(), keysUpdateCommand(),
			keysRevokeCommand(), keysSwitchCommand(), keysCurrentCommand(),
		},
	}
}

func showSecretFlag() cli.Flag {
	return &cli.BoolFlag{Name: flagShowSecret, Usage: "show the API key's secret (masked by default)"}
}

// controlFlags are the flags of every keys command that calls the Control API.
func controlFlags(more ...cli.Flag) []cli.Flag {
	return append(append(session.Flags(), session.AppFlag()), more...)
}

// keyOut is the --json form of a key: the API's fields (the secret masked unless
// --show-secret), its key name APPID.KEYID, and whether it is the profile's key for the app.
type keyOut struct {
	control.Key
	KeyName string `json:"keyName"`
	Current bool   `json:"current"`
}

func newKeyOut(k control.Key, acct config.Account, showSecret bool) keyOut {
	name := k.AppID + "." + k.ID
	k.Key = maskKey(k.Key, showSecret)
	return keyOut{Key: k, KeyName: name, Current: name == profileKeyName(acct, k.AppID)}
}

// maskKey is an API key as every keys command shows it: in full with --show-secret, else
// with its secret masked as the suite masks a key's secret (output.MaskSecret:
// "APPID.KEYID:****").
func maskKey(key string, showSecret bool) string {
	if showSecret {
		return key
	}
	return output.MaskSecret(key)
}

// profileKeyName is the name (APPID.KEYID) of the key the profile holds for the app, "" for
// none: from the key itself, else from keyName or keyId.
func profileKeyName(acct config.Account, appID string) string {
	a, ok := acct.Apps[appID]
	if !ok {
		return ""
	}
	if name, _, found := strings.Cut(a.APIKey, ":"); found && name != "" {
		return name
	}
	if strings.HasPrefix(a.KeyName, appID+".") {
		return a.KeyName
	}
	if a.KeyID != "" && !strings.Contains(a.KeyID, ".") {
		return appID + "." + a.KeyID
	}
	return ""
}

func statusText(status int) string {
	switch status {
	case 0:
		return "enabled"
	case 1:
		return "revoked"
	}
	return fmt.Sprintf("status %d", status)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// keyArg reads the one KEY argument of a keys command.
func keyArg(c *cli.Context) (keyRef, error) {
	if c.NArg() != 1 {
		return keyRef{}, exitcode.Usagef("%s takes one argument, KEY: %s (see 'ably auth keys list')", c.Command.Name, keyArgHelp)
	}
	return parseKeyRef(c.Args().First())
}

// keyOptions are what a keys command acting on one key was asked: the session and the KEY.
type keyOptions struct {
	Session session.Settings
	Key     keyRef
}

// keyOptionsOf reads the session settings and the one KEY argument.
func keyOptionsOf(c *cli.Context) (keyOptions, error) {
	ref, err := keyArg(c)
	return keyOptions{Session: session.SettingsOf(c), Key: ref}, err
}

// openKeyApp opens a session for an operation on the key named, refusing first a token
// without capability (as session.NewForApp does), then finds the key's app.
func openKeyApp(ctx context.Context, d plugin.Deps, o keyOptions, capability control.Capability, doing string) (*session.Session, session.AppRef, error) {
	s, err := session.New(ctx, d, o.Session)
	if err != nil {
		return nil, session.AppRef{}, err
	}
	if err := s.Client.Check(ctx, capability, doing); err != nil {
		return nil, session.AppRef{}, err
	}
	app, err := keyApp(ctx, s, o.Session.App, o.Key)
	return s, app, err
}

// keyApp is the app of the key named: the app part of KEY when it has one (--app, given as
// appFlag, must agree), else --app, ABLY_APP_ID or the profile's current app.
func keyApp(ctx context.Context, s *session.Session, appFlag string, ref keyRef) (session.AppRef, error) {
	if ref.AppID == "" {
		return s.App(ctx)
	}
	if appFlag != "" {
		app, err := s.App(ctx)
		if err != nil {
			return session.AppRef{}, err
		}
		if app.ID != ref.AppID {
			return session.AppRef{}, exitcode.Usagef("key %s belongs to app %q, but --app is %s: drop --app, or name a key of that app",
				ref.Name(ref.AppID), ref.AppID, app.Label())
		}
		return app, nil
	}
	return session.AppRef{ID: ref.AppID, Name: s.Account.Apps[ref.AppID].AppName, Source: "KEY"}, nil
}

// findKey picks the key named from an app's keys, or says which keys there are.
func findKey(keys []control.Key, app session.AppRef, ref keyRef) (control.Key, error) {
	names := make([]string, 0, len(keys))
	var labelled []control.Key
	for _, k := range keys {
		if k.ID == ref.KeyID {
			return k, nil
		}
		if ref.AppID == "" && k.Name == ref.KeyID {
			labelled = append(labelled, k)
		}
		names = append(names, k.AppID+"."+k.ID)
	}
	// Not a key ID: a label, as the official CLI also takes, when it names one key.
	switch len(labelled) {
	case 1:
		return labelled[0], nil
	case 0:
	default:
		ids := make([]string, len(labelled))
		for i, k := range labelled {
			ids[i] = k.AppID + "." + k.ID
		}
		return control.Key{}, exitcode.Usagef("%d keys of app %s are labelled %q (%s): give the key name instead",
			len(labelled), app.Label(), ref.KeyID, strings.Join(ids, ", "))
	}
	known := "the app has no keys"
	if len(names) > 0 {
		known = "its keys: " + strings.Join(names, ", ")
	}
	return control.Key{}, exitcode.New(exitcode.NotFound, "no key %s in app %s (%s)", ref.Name(app.ID), app.Label(), known)
}

// printKey writes one key as labelled details and its capability per resource.
func printKey(out *output.Printer, k keyOut) error {
	revocable := "no"
	if k.RevocableTokens != nil && *k.RevocableTokens {
		revocable = "yes"
	}
	err := out.Details([]output.Field{
		{Label: "Key name", Value: k.KeyName},
		{Label: "Label", Value: output.OrDash(k.Name)},
		{Label: "App", Value: k.AppID},
		{Label: "Status", Value: statusText(k.Status)},
		{Label: "Current", Value: yesNo(k.Current)},
		{Label: "Revocable tokens", Value: revocable},
		{Label: "Key", Value: k.Key.Key},
		{Label: "Created", Value: output.Millis(k.Created)},
		{Label: "Modified", Value: output.Millis(k.Modified)},
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(out.Out, "Capability:")
	capability := ablyauth.Capability(k.Capability)
	rows := make([][]string, 0, len(capability))
	for _, r := range capability.Resources() {
		rows = append(rows, []string{"  " + r, strings.Join(capability[r], ", ")})
	}
	return out.Table([]string{"  resource", "operations"}, rows)
}

// compactCapability is a key's capability as one line of JSON, resources sorted.
func compactCapability(c map[string][]string) string {
	if len(c) == 0 {
		return "-"
	}
	return ablyauth.Capability(c).JSON()
}
