package appscli

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func switchCommand() *cli.Command {
	// The argument is resolved exactly as --app is everywhere else (session.App): it becomes
	// the Settings' App. The hidden --app is there to refuse both at once.
	hiddenApp := &cli.StringFlag{Name: session.FlagApp, Hidden: true}
	return &cli.Command{
		Name:      "switch",
		Usage:     "Make an app the profile's current app",
		ArgsUsage: "NAME|ID",
		Description: `Commands that act on one app use the profile's current app when --app and ABLY_APP_ID are
not given. An ID, or a name the profile knows, costs no request; another name is looked up
with one listing of the account's apps (needs Read App).

Examples:
   ably apps switch "My App"
   ably apps switch a1b2c3
   ably --profile work apps switch staging --json`,
		Flags:  append([]cli.Flag{hiddenApp}, session.Flags()...),
		Action: plugin.Action(switchOptionsOf, runSwitch),
	}
}

// currentApp is the --json form of `apps switch` and `apps current`.
type currentApp struct {
	Profile string `json:"profile"`
	ID      string `json:"id"`
	Name    string `json:"name"`
}

// switchOptions are what `apps switch` was asked: the app (the argument) is the Settings'
// App, so it is resolved exactly as --app is everywhere else.
type switchOptions struct {
	Session session.Settings
}

func switchOptionsOf(c *cli.Context) (switchOptions, error) {
	o := switchOptions{Session: session.SettingsOf(c)}
	args := c.Args().Slice()
	if len(args) != 1 || args[0] == "" {
		return o, exitcode.Usagef("switch takes one argument, the app's name or ID (see 'ably apps list')")
	}
	if c.IsSet(session.FlagApp) {
		return o, exitcode.Usagef("give the app as the argument, not with --app")
	}
	o.Session.App = args[0]
	return o, nil
}

func runSwitch(ctx context.Context, d plugin.Deps, o switchOptions) error {
	out := d.Out
	s, err := session.New(ctx, d, o.Session)
	if err != nil {
		return err
	}
	if err := requireProfile(s, "apps switch"); err != nil {
		return err
	}
	ref, err := s.App(ctx)
	if err != nil {
		return err
	}
	if ref.Name == "" {
		if ref.Name, err = lookupAppName(ctx, s, ref.ID); err != nil {
			return err
		}
	}
	if err := setCurrentApp(ctx, s, ref.ID, ref.Name); err != nil {
		return err
	}
	res := currentApp{Profile: s.Alias, ID: ref.ID, Name: ref.Name}
	if out.IsJSON() {
		return out.JSON(res)
	}
	out.Printf("Switched profile %q to app %s.\n", s.Alias, session.AppLabel(ref.ID, ref.Name))
	return nil
}

func currentCommand() *cli.Command {
	return &cli.Command{
		Name:  "current",
		Usage: "Show the profile's current app",
		Description: `Shows the ID and name of the app that commands use when --app and ABLY_APP_ID are not given.
The name comes from the profile; only when the profile does not know it is it looked up (one
listing of the account's apps, needs Read App) and remembered.

Examples:
   ably apps current
   ably apps current --json
   ably --profile work apps current`,
		Flags:  session.Flags(),
		Action: plugin.Action(currentOptionsOf, runCurrent),
	}
}

// currentOptions are what `apps current` was asked.
type currentOptions struct {
	Session session.Settings
}

func currentOptionsOf(c *cli.Context) (currentOptions, error) {
	o := currentOptions{Session: session.SettingsOf(c)}
	if c.Args().Present() {
		return o, exitcode.Usagef("unexpected argument %q: current takes no arguments (use --profile to pick a profile)", c.Args().First())
	}
	return o, nil
}

func runCurrent(ctx context.Context, d plugin.Deps, o currentOptions) error {
	out := d.Out
	s, err := session.New(ctx, d, o.Session)
	if err != nil {
		return err
	}
	if err := requireProfile(s, "apps current"); err != nil {
		return err
	}
	id := s.Account.CurrentAppID
	if id == "" {
		return exitcode.Usagef("profile %q has no current app: choose one with 'ably apps switch NAME|ID' (see 'ably apps list')", s.Alias)
	}
	name := s.Account.Apps[id].AppName
	if name == "" {
		if name, err = lookupAppName(ctx, s, id); err != nil {
			return err
		}
		if err := saveAppName(ctx, s, id, name); err != nil {
			return err
		}
	}
	if other := d.Getenv("ABLY_APP_ID"); other != "" && other != id {
		out.Warnf("ABLY_APP_ID=%s is set: commands use that app instead of the profile's", other)
	}
	res := currentApp{Profile: s.Alias, ID: id, Name: name}
	if out.IsJSON() {
		return out.JSON(res)
	}
	return out.Details([]output.Field{
		{Label: "Profile", Value: s.Alias},
		{Label: "App ID", Value: id},
		{Label: "App name", Value: name},
	})
}
