package pushcli

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

// service is what a clear command resets: one push service's settings.
type service struct {
	name     string // "apns" or "fcm", as --json names it
	title    string // APNs or FCM
	what     string // what goes, for the question
	settings func() []string
	set      func(pushConfig) bool // whether the app has it configured
	setHint  string
}

func apnsService() service {
	return service{
		name: "apns", title: "APNs", what: "certificate, signing key, key ID, team ID, topic and endpoint",
		settings: control.APNsSettings,
		set:      func(p pushConfig) bool { return p.APNs.Configured },
		setHint:  "ably push config set-apns",
	}
}

func fcmService() service {
	return service{
		name: "fcm", title: "FCM", what: "service account and project ID",
		settings: control.FCMSettings,
		set:      func(p pushConfig) bool { return p.FCM.Configured },
		setHint:  "ably push config set-fcm",
	}
}

func clearAPNsCommand() *cli.Command {
	return clearCommand(apnsService(), `Resets every APNs setting of the app (auth type, certificate and private key, signing key,
key ID, team ID, topic and endpoint) to none, as Ably's official CLI does, so the app no
longer delivers through APNs.`)
}

func clearFCMCommand() *cli.Command {
	return clearCommand(fcmService(), `Resets the app's FCM service account and project ID to none, as Ably's official CLI does,
so the app no longer delivers through Firebase Cloud Messaging.`)
}

func clearCommand(svc service, about string) *cli.Command {
	return &cli.Command{
		Name:  "clear-" + svc.name,
		Usage: fmt.Sprintf("Clear an app's %s configuration (needs Write App and Read App)", svc.title),
		Description: about + `

Asks for confirmation on a terminal; elsewhere (scripts, CI), and with --json, it needs
--force. An app with nothing to clear is left as it is, saying so.

Examples:
   ably push config clear-` + svc.name + `
   ably push config clear-` + svc.name + ` --app "My App" --force
   ably push config clear-` + svc.name + ` --force --json`,
		Flags: append([]cli.Flag{session.AppFlag(), plugin.ForceFlag()}, session.Flags()...),
		Action: plugin.Action(clearOptionsOf, func(ctx context.Context, d plugin.Deps, o clearOptions) error {
			return runClear(ctx, d, o, svc)
		}),
	}
}

// clearOptions are what `push config clear-apns` or `clear-fcm` was asked.
type clearOptions struct {
	Session session.Settings
	Force   bool
}

func clearOptionsOf(c *cli.Context) (clearOptions, error) {
	return clearOptions{Session: session.SettingsOf(c), Force: c.Bool(plugin.FlagForce)}, noArgs(c, "name the app with --app")
}

func runClear(ctx context.Context, d plugin.Deps, o clearOptions, svc service) error {
	out := d.Out
	doing := fmt.Sprintf("clear the app's %s configuration", svc.title)
	if !o.Force {
		// Refused before any request: JSON output is for programs, which cannot answer.
		if out.IsJSON() {
			return exitcode.Usagef("--json needs --force: pass --force to %s", doing)
		}
		if !d.Interactive() {
			return d.Confirm(ctx, false, doing)
		}
	}
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.WriteApp, doing)
	if err != nil {
		return err
	}
	app, err := appOf(ctx, s, ref)
	if err != nil {
		return err
	}
	before := configOf(app)
	label := session.AppLabel(app.ID, app.Name)
	if !svc.set(before) {
		if out.IsJSON() {
			no := false
			return out.JSON(changed{pushConfig: before, Cleared: svc.name, WasConfigured: &no})
		}
		out.Printf("%s is not configured for app %s: nothing to clear.\n", svc.title, label)
		return nil
	}
	if err := d.Confirm(ctx, o.Force, fmt.Sprintf("clear the %s configuration (%s) of app %s", svc.title, svc.what, label)); err != nil {
		return err
	}
	cleared, err := s.Client.ClearAppSettings(ctx, ref.ID, svc.settings()...)
	if err != nil {
		return err
	}
	after := configOf(*cleared)
	if out.IsJSON() {
		yes := true
		return out.JSON(changed{pushConfig: after, Cleared: svc.name, WasConfigured: &yes})
	}
	out.Printf("Cleared the %s configuration of app %s (set it again with '%s').\n", svc.title, label, svc.setHint)
	return out.Details(after.details())
}
