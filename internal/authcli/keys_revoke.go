package authcli

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func keysRevokeCommand() *cli.Command {
	return &cli.Command{
		Name:      "revoke",
		Usage:     "Revoke an API key, at once and for good",
		ArgsUsage: "KEY",
		Description: `KEY is ` + keyArgHelp + `. Every client using the key, and every
token it issued, loses access at once; this cannot be undone. Asks for confirmation on a
terminal; --force is needed otherwise. When the key is the profile's key for the app, it is
removed from the profile. Needs the access-token capability write:key.

Examples:
   ably auth keys revoke xVLyHw.A-pwh7
   ably auth keys revoke A-pwh7 --app "My App" --force
   ably auth keys revoke xVLyHw.A-pwh7 --force --json`,
		Flags:  controlFlags(plugin.ForceFlag()),
		Action: plugin.Action(keysRevokeOptionsOf, runKeysRevoke),
	}
}

// revokeKeyResult is the --json form of `auth keys revoke`.
type revokeKeyResult struct {
	AppID              string `json:"appId"`
	KeyID              string `json:"keyId"`
	KeyName            string `json:"keyName"`
	Revoked            bool   `json:"revoked"`
	RemovedFromProfile bool   `json:"removedFromProfile"`
}

// keysRevokeOptions are what `auth keys revoke` was asked.
type keysRevokeOptions struct {
	keyOptions
	Force bool
}

func keysRevokeOptionsOf(c *cli.Context) (keysRevokeOptions, error) {
	o, err := keyOptionsOf(c)
	return keysRevokeOptions{keyOptions: o, Force: c.Bool(plugin.FlagForce)}, err
}

func runKeysRevoke(ctx context.Context, d plugin.Deps, o keysRevokeOptions) error {
	out := d.Out
	ref := o.Key
	s, app, err := openKeyApp(ctx, d, o.keyOptions, control.WriteKey, "revoke an API key")
	if err != nil {
		return err
	}
	name := ref.Name(app.ID)
	if err := d.Confirm(ctx, o.Force, fmt.Sprintf("revoke API key %s of app %s", name, app.Label())); err != nil {
		return err
	}
	if err := s.Client.RevokeKey(ctx, app.ID, ref.KeyID); err != nil {
		return err
	}
	removed, err := dropProfileKey(ctx, s, app.ID, name)
	if err != nil {
		return fmt.Errorf("key %s was revoked, but the profile could not be updated: %w", name, err)
	}
	if out.IsJSON() {
		return out.JSON(revokeKeyResult{AppID: app.ID, KeyID: ref.KeyID, KeyName: name, Revoked: true, RemovedFromProfile: removed})
	}
	out.Printf("Revoked API key %s of app %s.\n", name, app.Label())
	if removed {
		out.Printf("It was profile %q's key for the app, so it was removed from the profile: choose another with 'ably auth keys switch KEY --app %s'.\n", s.Alias, app.ID)
	}
	return nil
}

// dropProfileKey removes the key from the profile when it is the profile's key for the app,
// keeping the app's name, and reports whether it did.
func dropProfileKey(ctx context.Context, s *session.Session, appID, keyName string) (bool, error) {
	if s.Alias == "" || profileKeyName(s.Account, appID) != keyName {
		return false, nil
	}
	removed := false
	err := config.Update(ctx, s.ConfigPath, func(f *config.File) error {
		a, ok := f.Account(s.Alias)
		if !ok || profileKeyName(a, appID) != keyName {
			return nil // logged out or switched meanwhile: nothing of this key to drop
		}
		entry := a.Apps[appID]
		entry.APIKey, entry.KeyID, entry.KeyName = "", "", ""
		if entry == (config.App{}) {
			delete(a.Apps, appID)
		} else {
			a.Apps[appID] = entry
		}
		removed = true
		return f.PutAccount(s.Alias, a)
	})
	return removed, err
}
