package pushcli

import (
	"context"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/internal/pushcred"
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

// The flags of `push config set-apns`, as Ably's official CLI names them.
const (
	flagCertificate = "certificate"
	flagPassword    = "password"
	flagKeyFile     = "key-file"
	flagKeyID       = "key-id"
	flagTeamID      = "team-id"
	flagTopic       = "topic"
	flagSandbox     = "sandbox"

	authCertificate = "certificate"
	authToken       = "token"
)

func setAPNsCommand() *cli.Command {
	return &cli.Command{
		Name:  "set-apns",
		Usage: "Set an app's APNs credentials: a .p12 certificate or a .p8 token signing key (needs Write App)",
		Description: `Certificate auth: --certificate uploads a .p12 file holding the APNs certificate and its
private key (as Keychain Access exports them). Its password comes from --password or
` + pushcred.EnvP12Password + ` (prefer the environment: arguments are visible to other
users); none means the file has no password. The file is checked to be PKCS#12 before it is
sent: convert PEM files first with 'openssl pkcs12 -export'. With --sandbox (or
--sandbox=false) the APNs endpoint is then chosen; otherwise it stays as it is.

Token auth: --key-file sends a .p8 signing key from the Apple developer portal, checked to
be a PKCS#8 ECDSA private key, with --key-id (the key's ID), --team-id (your Apple developer
team ID) and --topic (the app's bundle ID), all required, and the endpoint: production, or
the sandbox with --sandbox.

The two modes exclude each other. The password and the key are never printed.

Examples:
   ably push config set-apns --certificate push.p12
   ` + pushcred.EnvP12Password + `=secret ably push config set-apns --certificate dev.p12 --sandbox
   ably push config set-apns --key-file AuthKey_ABC123DEFG.p8 --key-id ABC123DEFG --team-id TEAMID1234 --topic com.example.app
   ably push config set-apns --app "My App" --certificate push.p12 --json`,
		Flags: append([]cli.Flag{
			session.AppFlag(),
			&cli.StringFlag{Name: flagCertificate, Usage: "certificate auth: the .p12 `FILE` holding the APNs certificate and its private key"},
			&cli.StringFlag{Name: flagPassword, Usage: "the .p12 file's `PASSWORD` (default: " + pushcred.EnvP12Password + ")"},
			&cli.StringFlag{Name: flagKeyFile, Usage: "token auth: the .p8 signing key `FILE` from the Apple developer portal"},
			&cli.StringFlag{Name: flagKeyID, Usage: "token auth: the signing key's `ID` (required with --key-file)"},
			&cli.StringFlag{Name: flagTeamID, Usage: "token auth: your Apple developer team `ID` (required with --key-file)"},
			&cli.StringFlag{Name: flagTopic, Usage: "token auth: the app's `BUNDLE_ID`, e.g. com.example.app (required with --key-file)"},
			&cli.BoolFlag{Name: flagSandbox, Usage: "send to the APNs sandbox (development) endpoint (=false: production)"},
		}, session.Flags()...),
		Action: plugin.Action(setAPNsOptionsOf, runSetAPNs),
	}
}

// setAPNsOptions are what `push config set-apns` was asked, files already read and checked:
// a .p12 (P12 set) or a token signing key (Fields set).
type setAPNsOptions struct {
	Session  session.Settings
	P12      []byte
	Password *string // nil: from the environment
	Sandbox  *bool   // certificate auth: nil leaves the endpoint as it is
	Fields   control.AppFields
}

func (o setAPNsOptions) method() string {
	if o.P12 != nil {
		return authCertificate
	}
	return authToken
}

func setAPNsOptionsOf(c *cli.Context) (setAPNsOptions, error) {
	o := setAPNsOptions{Session: session.SettingsOf(c)}
	if err := noArgs(c, "give the files with --certificate or --key-file"); err != nil {
		return o, err
	}
	cert, key := c.IsSet(flagCertificate), c.IsSet(flagKeyFile)
	switch {
	case cert && key:
		return o, exitcode.Usagef("--certificate and --key-file exclude each other: --certificate for a .p12 certificate, or --key-file for a .p8 token signing key")
	case cert:
		return certificateOptions(c, o)
	case key:
		return tokenOptions(c, o)
	}
	return o, exitcode.Usagef("missing the credentials: --certificate FILE.p12 (certificate auth), or --key-file FILE.p8 with --key-id, --team-id and --topic (token auth)")
}

// certificateOptions fills o for certificate auth, refusing the flags of token auth.
func certificateOptions(c *cli.Context, o setAPNsOptions) (setAPNsOptions, error) {
	for _, f := range []string{flagKeyID, flagTeamID, flagTopic} {
		if c.IsSet(f) {
			return o, exitcode.Usagef("--%s is for token auth (--key-file), not --certificate: leave it out, or use --key-file instead", f)
		}
	}
	path := c.String(flagCertificate)
	p12, err := readFlagFile(flagCertificate, path)
	if err != nil {
		return o, err
	}
	if err := pushcred.CheckPKCS12Flag(flagCertificate, path, p12); err != nil {
		return o, err
	}
	o.P12 = p12
	if c.IsSet(flagPassword) {
		password := c.String(flagPassword)
		o.Password = &password
	}
	if c.IsSet(flagSandbox) {
		sandbox := c.Bool(flagSandbox)
		o.Sandbox = &sandbox
	}
	return o, nil
}

// tokenOptions fills o for token auth: the fields to send, every one of them.
func tokenOptions(c *cli.Context, o setAPNsOptions) (setAPNsOptions, error) {
	if c.IsSet(flagPassword) {
		return o, exitcode.Usagef("--password is for a .p12 --certificate: a .p8 --key-file has none")
	}
	values := map[string]string{}
	for _, f := range []struct{ flag, what string }{
		{flagKeyID, "the signing key's ID, as the Apple developer portal shows it (e.g. ABC123DEFG)"},
		{flagTeamID, "your Apple developer team ID (e.g. TEAMID1234)"},
		{flagTopic, "the app's bundle ID (e.g. com.example.app)"},
	} {
		v := c.String(f.flag)
		switch {
		case !c.IsSet(f.flag):
			return o, exitcode.Usagef("--%s is required with --key-file: %s", f.flag, f.what)
		case strings.TrimSpace(v) == "":
			return o, exitcode.Usagef("--%s is empty: give %s", f.flag, f.what)
		case v != strings.TrimSpace(v):
			return o, exitcode.Usagef("--%s %q starts or ends with spaces: remove them", f.flag, v)
		}
		values[f.flag] = v
	}
	path := c.String(flagKeyFile)
	key, err := readFlagFile(flagKeyFile, path)
	if err != nil {
		return o, err
	}
	if err := pushcred.CheckP8(key); err != nil {
		return o, exitcode.Usagef("--%s %s: %v", flagKeyFile, path, err)
	}
	signingKey, authType, sandbox := string(key), authToken, c.Bool(flagSandbox)
	keyID, teamID, topic := values[flagKeyID], values[flagTeamID], values[flagTopic]
	o.Fields = control.AppFields{
		APNsAuthType:           &authType,
		APNsSigningKey:         &signingKey,
		APNsSigningKeyID:       &keyID,
		APNsIssuerKey:          &teamID,
		APNsTopicHeader:        &topic,
		APNsUseSandboxEndpoint: &sandbox,
	}
	return o, nil
}

// changed is the --json form of the commands that change the configuration: what they did,
// then the app's configuration after it.
type changed struct {
	Updated       string `json:"updated,omitempty"` // "apns" or "fcm"
	Method        string `json:"method,omitempty"`  // set-apns: "certificate" or "token"
	Cleared       string `json:"cleared,omitempty"` // "apns" or "fcm"
	WasConfigured *bool  `json:"wasConfigured,omitempty"`
	pushConfig
}

func runSetAPNs(ctx context.Context, d plugin.Deps, o setAPNsOptions) error {
	out := d.Out
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.WriteApp, "set an app's APNs credentials")
	if err != nil {
		return err
	}
	label := ref.Label()
	var app *control.App
	if o.P12 != nil {
		password := d.Getenv(pushcred.EnvP12Password)
		if o.Password != nil {
			password = *o.Password
		}
		out.Verbosef("uploading the .p12 certificate (%d bytes) to app %s", len(o.P12), label)
		if app, err = s.Client.UploadPKCS12(ctx, ref.ID, o.P12, password); err != nil {
			return err
		}
		if o.Sandbox != nil {
			if app, err = s.Client.UpdateApp(ctx, ref.ID, control.AppFields{APNsUseSandboxEndpoint: o.Sandbox}); err != nil {
				return fmt.Errorf("the certificate was uploaded to app %s, but choosing the APNs endpoint failed (retry with 'ably apps update --apns-use-sandbox-endpoint=%t'): %w",
					label, *o.Sandbox, err)
			}
		}
	} else {
		out.Verbosef("sending the .p8 signing key %s of team %s for topic %s to app %s", *o.Fields.APNsSigningKeyID, *o.Fields.APNsIssuerKey, *o.Fields.APNsTopicHeader, label)
		if app, err = s.Client.UpdateApp(ctx, ref.ID, o.Fields); err != nil {
			return err
		}
	}
	cfg := configOf(*app)
	if out.IsJSON() {
		return out.JSON(changed{pushConfig: cfg, Updated: "apns", Method: o.method()})
	}
	label = session.AppLabel(app.ID, app.Name)
	if o.P12 != nil {
		out.Printf("Uploaded the APNs certificate of app %s.\n", label)
	} else {
		out.Printf("Set the APNs signing key of app %s (token auth).\n", label)
	}
	return out.Details(cfg.details())
}
