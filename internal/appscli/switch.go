package appscli

import (
	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func switchCommand() *cli.Command {
	// The argument is resolved exactly as --app is everywhere else (session.App), so the
	// command carries a hidden --app that the argument is set into.
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
		Action: switchApp,
	}
}

// currentApp is the --json form of `apps switch` and `apps current`.
type currentApp struct {
	Profile string `json:"profile"`
	ID      string `json:"id"`
	Name    string `json:"name"`
}

func switchApp(c *cli.Context) error {
	args := c.Args().Slice()
	out := plugin.Printer(c)
	if len(args) != 1 || args[0] == "" {
		return exitcode.Usagef("switch takes one argument, the app's name or ID (see 'ably apps list')")
	}
	if c.IsSet(session.FlagApp) {
		return exitcode.Usagef("give the app as the argument, not with --app")
	}
	if err := c.Set(session.FlagApp, args[0]); err != nil {
		return err
	}
	s, err := session.Open(c)
	if err != nil {
		return err
	}
	if err := requireProfile(s, "apps switch"); err != nil {
		return err
	}
	ref, err := s.App(c.Context)
	if err != nil {
		return err
	}
	if ref.Name == "" {
		if ref.Name, err = lookupAppName(c.Context, s, ref.ID); err != nil {
			return err
		}
	}
	if err := setCurrentApp(c.Context, s, ref.ID, ref.Name); err != nil {
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
		Action: current,
	}
}

func current(c *cli.Context) error {
	out := plugin.Printer(c)
	env := plugin.EnvOf(c)
	if c.Args().Present() {
		return exitcode.Usagef("unexpected argument %q: current takes no arguments (use --profile to pick a profile)", c.Args().First())
	}
	s, err := session.Open(c)
	if err != nil {
		return err
	}
	if err := requireProfile(s, "apps current"); err != nil {
		return err
	}
	id := s.Account.CurrentAppID
	if id == "" {
		return exitcode.New(exitcode.NotFound, "profile %q has no current app: choose one with 'ably apps switch NAME|ID' (see 'ably apps list')", s.Alias)
	}
	name := s.Account.Apps[id].AppName
	if name == "" {
		if name, err = lookupAppName(c.Context, s, id); err != nil {
			return err
		}
		if err := saveAppName(c.Context, s, id, name); err != nil {
			return err
		}
	}
	if other := env.Getenv("ABLY_APP_ID"); other != "" && other != id {
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
