package appscli

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
)

// Flags of the app settings that create and update share.
const (
	flagName                 = "name"
	flagStatus               = "status"
	flagTLSOnly              = "tls-only"
	flagFCMKey               = "fcm-key"
	flagFCMServiceAccount    = "fcm-service-account"
	flagFCMProjectID         = "fcm-project-id"
	flagAPNsCertificate      = "apns-certificate"
	flagAPNsPrivateKey       = "apns-private-key"
	flagAPNsUseSandbox       = "apns-use-sandbox-endpoint"
	flagAPNsAuthType         = "apns-auth-type"
	flagAPNsSigningKey       = "apns-signing-key"
	flagAPNsSigningKeyID     = "apns-signing-key-id"
	flagAPNsIssuerKey        = "apns-issuer-key"
	flagAPNsTopicHeader      = "apns-topic-header"
	statusEnabled            = "enabled"
	statusDisabled           = "disabled"
	authTypeCertificate      = "certificate"
	authTypeToken            = "token"
	appSettingsFlagsForError = "--name, --status, --tls-only or a push flag (--fcm-..., --apns-...)"
)

// appSettingFlags are the flags of an app's settings other than its name.
func appSettingFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagStatus, Usage: "`STATUS`: enabled or disabled"},
		&cli.BoolFlag{Name: flagTLSOnly, Usage: "accept only TLS connections (--tls-only=false accepts others too)"},
		&cli.StringFlag{Name: flagFCMKey, Usage: "Firebase Cloud Messaging legacy server `KEY`"},
		&cli.StringFlag{Name: flagFCMServiceAccount, Usage: "Firebase service account: the JSON `FILE`, or the JSON itself"},
		&cli.StringFlag{Name: flagFCMProjectID, Usage: "Firebase project `ID`"},
		&cli.StringFlag{Name: flagAPNsCertificate, Usage: "APNs certificate, a PEM `FILE` (for a .p12 see 'ably apps set-apns-p12')"},
		&cli.StringFlag{Name: flagAPNsPrivateKey, Usage: "private key of the APNs certificate, a PEM `FILE`"},
		&cli.BoolFlag{Name: flagAPNsUseSandbox, Usage: "send push notifications to the APNs sandbox (=false: production)"},
		&cli.StringFlag{Name: flagAPNsAuthType, Usage: "how Ably authenticates to APNs, `TYPE`: certificate or token"},
		&cli.StringFlag{Name: flagAPNsSigningKey, Usage: "APNs token signing key, the .p8 PEM `FILE`"},
		&cli.StringFlag{Name: flagAPNsSigningKeyID, Usage: "`ID` of the APNs signing key"},
		&cli.StringFlag{Name: flagAPNsIssuerKey, Usage: "APNs issuer key: your Apple developer team `ID`"},
		&cli.StringFlag{Name: flagAPNsTopicHeader, Usage: "APNs topic header: your app's bundle `ID`"},
	}
}

// appFieldsFromFlags turns the flags the user set into the fields to send, checking each
// value first; flags left out stay nil and are not sent.
func appFieldsFromFlags(c *cli.Context) (control.AppFields, error) {
	var f control.AppFields
	var err error
	if c.IsSet(flagName) {
		name := c.String(flagName)
		if strings.TrimSpace(name) == "" {
			return f, exitcode.Usagef("--name is empty: give the app a name")
		}
		f.Name = &name
	}
	if f.Status, err = oneOfIfSet(c, flagStatus, statusEnabled, statusDisabled); err != nil {
		return f, err
	}
	if f.APNsAuthType, err = oneOfIfSet(c, flagAPNsAuthType, authTypeCertificate, authTypeToken); err != nil {
		return f, err
	}
	f.TLSOnly = boolIfSet(c, flagTLSOnly)
	f.APNsUseSandboxEndpoint = boolIfSet(c, flagAPNsUseSandbox)
	for _, s := range []struct {
		flag string
		dst  **string
	}{
		{flagFCMKey, &f.FCMKey},
		{flagFCMProjectID, &f.FCMProjectID},
		{flagAPNsSigningKeyID, &f.APNsSigningKeyID},
		{flagAPNsIssuerKey, &f.APNsIssuerKey},
		{flagAPNsTopicHeader, &f.APNsTopicHeader},
	} {
		if *s.dst, err = nonEmptyIfSet(c, s.flag); err != nil {
			return f, err
		}
	}
	for _, p := range []struct {
		flag string
		dst  **string
	}{
		{flagAPNsCertificate, &f.APNsCertificate},
		{flagAPNsPrivateKey, &f.APNsPrivateKey},
		{flagAPNsSigningKey, &f.APNsSigningKey},
	} {
		if !c.IsSet(p.flag) {
			continue
		}
		pem, err := readPEMFlag(p.flag, c.String(p.flag))
		if err != nil {
			return f, err
		}
		*p.dst = &pem
	}
	if c.IsSet(flagFCMServiceAccount) {
		sa, err := readJSONObjectFlag(flagFCMServiceAccount, c.String(flagFCMServiceAccount))
		if err != nil {
			return f, err
		}
		f.FCMServiceAccount = &sa
	}
	return f, nil
}

func boolIfSet(c *cli.Context, flag string) *bool {
	if !c.IsSet(flag) {
		return nil
	}
	v := c.Bool(flag)
	return &v
}

func nonEmptyIfSet(c *cli.Context, flag string) (*string, error) {
	if !c.IsSet(flag) {
		return nil, nil
	}
	v := c.String(flag)
	if strings.TrimSpace(v) == "" {
		return nil, exitcode.Usagef("--%s is empty: give a value, or leave the flag out", flag)
	}
	return &v, nil
}

func oneOfIfSet(c *cli.Context, flag string, allowed ...string) (*string, error) {
	if !c.IsSet(flag) {
		return nil, nil
	}
	v := c.String(flag)
	for _, a := range allowed {
		if v == a {
			return &v, nil
		}
	}
	return nil, exitcode.Usagef("--%s %q: want %s", flag, v, orList(allowed))
}

// orList renders choices for a message: "a or b", "a, b or c".
func orList(choices []string) string {
	if len(choices) < 2 {
		return strings.Join(choices, "")
	}
	return fmt.Sprintf("%s or %s", strings.Join(choices[:len(choices)-1], ", "), choices[len(choices)-1])
}
