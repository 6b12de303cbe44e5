package appscli

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/internal/pushcred"
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

const (
	flagCertificate   = "certificate"
	flagPassword      = "password"
	flagUseForSandbox = "use-for-sandbox"
	envP12Password    = pushcred.EnvP12Password
)

func setAPNsP12Command() *cli.Command {
	return &cli.Command{
		Name:  "set-apns-p12",
		Usage: "Upload an app's APNs push certificate from a .p12 file (needs Write App)",
		Description: `Uploads the certificate and its private key, as exported from Keychain Access in a .p12
file, for Ably to send push notifications through Apple (APNs). The file is checked to be
PKCS#12 before anything is sent; PEM files ("-----BEGIN ...") are refused: convert them with
'openssl pkcs12 -export'. The file's password comes from --password or ` + envP12Password + `
(prefer the environment: arguments are visible to other users); none means the file has no
password. With --use-for-sandbox the app then sends to the APNs sandbox (development)
endpoint; --use-for-sandbox=false to production. 'ably push config set-apns' does the same
and also takes token (.p8) keys.

Examples:
   ably apps set-apns-p12 --certificate push.p12
   ` + envP12Password + `=secret ably apps set-apns-p12 --app "My App" --certificate dev.p12 --use-for-sandbox
   ably apps set-apns-p12 --certificate push.p12 --json`,
		Flags: append([]cli.Flag{
			session.AppFlag(),
			&cli.StringFlag{Name: flagCertificate, Usage: "the .p12 `FILE` holding the certificate and its key (required)"},
			&cli.StringFlag{Name: flagPassword, Usage: "the .p12 file's `PASSWORD` (default: " + envP12Password + ")"},
			&cli.BoolFlag{Name: flagUseForSandbox, Usage: "use the certificate with the APNs sandbox endpoint (=false: production)"},
		}, session.Flags()...),
		Action: plugin.Action(setAPNsP12OptionsOf, runSetAPNsP12),
	}
}

// setAPNsP12Options are what `apps set-apns-p12` was asked: the .p12 file's contents, its
// password (nil: take it from the environment, where it is safer), and the APNs endpoint to
// choose after (nil: leave it).
type setAPNsP12Options struct {
	Session  session.Settings
	P12      []byte
	Password *string
	Sandbox  *bool
}

func setAPNsP12OptionsOf(c *cli.Context) (setAPNsP12Options, error) {
	o := setAPNsP12Options{Session: session.SettingsOf(c), Sandbox: boolIfSet(c, flagUseForSandbox)}
	if c.Args().Present() {
		return o, exitcode.Usagef("unexpected argument %q: give the file with --certificate", c.Args().First())
	}
	if !c.IsSet(flagCertificate) {
		return o, exitcode.Usagef("--certificate is required: the .p12 file exported with the APNs certificate and its key")
	}
	var err error
	path := c.String(flagCertificate)
	if o.P12, err = readFlagFile(flagCertificate, path); err != nil {
		return o, err
	}
	if err := pushcred.CheckPKCS12Flag(flagCertificate, path, o.P12); err != nil {
		return o, err
	}
	if c.IsSet(flagPassword) {
		password := c.String(flagPassword)
		o.Password = &password
	}
	return o, nil
}

func runSetAPNsP12(ctx context.Context, d plugin.Deps, o setAPNsP12Options) error {
	out := d.Out
	password := d.Getenv(envP12Password)
	if o.Password != nil {
		password = *o.Password
	}
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.WriteApp, "upload an APNs certificate")
	if err != nil {
		return err
	}
	app, err := s.Client.UploadPKCS12(ctx, ref.ID, o.P12, password)
	if err != nil {
		return err
	}
	if sandbox := o.Sandbox; sandbox != nil {
		app, err = s.Client.UpdateApp(ctx, ref.ID, control.AppFields{APNsUseSandboxEndpoint: sandbox})
		if err != nil {
			return fmt.Errorf("the certificate was uploaded to app %s, but choosing the APNs endpoint failed (retry with 'ably apps update --%s=%t'): %w",
				session.AppLabel(ref.ID, ref.Name), flagAPNsUseSandbox, *sandbox, err)
		}
	}
	if out.IsJSON() {
		return out.JSON(app)
	}
	out.Printf("Uploaded the APNs certificate of app %s.\n", session.AppLabel(app.ID, app.Name))
	return out.Details(appDetails(*app))
}
