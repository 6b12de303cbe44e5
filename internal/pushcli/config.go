package pushcli

import (
	"context"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/session"
)

// pushConfig is an app's push configuration, the --json form of `push config show` and the
// part every other command of the group reports after its change. Secrets are only ever
// "configured" or not: the Control API never returns them.
type pushConfig struct {
	AppID   string     `json:"appId"`
	AppName string     `json:"appName,omitempty"`
	APNs    apnsConfig `json:"apns"`
	FCM     fcmConfig  `json:"fcm"`
}

type apnsConfig struct {
	Configured            bool    `json:"configured"` // a certificate or a signing key
	AuthType              *string `json:"authType"`   // "certificate", "token" or null
	CertificateConfigured bool    `json:"certificateConfigured"`
	SigningKeyConfigured  bool    `json:"signingKeyConfigured"`
	KeyID                 *string `json:"keyId"`   // the signing key's ID (apnsSigningKeyId)
	TeamID                *string `json:"teamId"`  // the issuer (apnsIssuerKey)
	Topic                 *string `json:"topic"`   // the bundle ID (apnsTopicHeader)
	Sandbox               *bool   `json:"sandbox"` // apnsUseSandboxEndpoint
}

type fcmConfig struct {
	Configured               bool    `json:"configured"` // a service account
	ProjectID                *string `json:"projectId"`
	ServiceAccountConfigured bool    `json:"serviceAccountConfigured"`
}

func configOf(a control.App) pushConfig {
	return pushConfig{
		AppID:   a.ID,
		AppName: a.Name,
		APNs: apnsConfig{
			Configured:            a.APNsCertificateConfigured || a.APNsSigningKeyConfigured,
			AuthType:              a.APNsAuthType,
			CertificateConfigured: a.APNsCertificateConfigured,
			SigningKeyConfigured:  a.APNsSigningKeyConfigured,
			KeyID:                 a.APNsSigningKeyID,
			TeamID:                a.APNsIssuerKey,
			Topic:                 a.APNsTopicHeader,
			Sandbox:               a.APNsUseSandboxEndpoint,
		},
		FCM: fcmConfig{
			Configured:               a.FCMServiceAccountConfigured,
			ProjectID:                a.FCMProjectID,
			ServiceAccountConfigured: a.FCMServiceAccountConfigured,
		},
	}
}

// details is the labelled block of a push configuration.
func (p pushConfig) details() []output.Field {
	apns := "not configured"
	switch {
	case p.APNs.CertificateConfigured && p.APNs.SigningKeyConfigured:
		apns = "configured (a .p12 certificate and a .p8 signing key)"
	case p.APNs.CertificateConfigured:
		apns = "configured (a .p12 certificate)"
	case p.APNs.SigningKeyConfigured:
		apns = "configured (a .p8 signing key)"
	}
	endpoint := "-"
	if s := p.APNs.Sandbox; s != nil {
		endpoint = "production"
		if *s {
			endpoint = "sandbox (development)"
		}
	}
	fcm := "not configured"
	if p.FCM.Configured {
		fcm = "configured"
	}
	return []output.Field{
		{Label: "APNs", Value: apns},
		{Label: "APNs auth type", Value: output.OrDashPtr(p.APNs.AuthType)},
		{Label: "APNs certificate", Value: configured(p.APNs.CertificateConfigured)},
		{Label: "APNs signing key", Value: configured(p.APNs.SigningKeyConfigured)},
		{Label: "APNs key ID", Value: output.OrDashPtr(p.APNs.KeyID)},
		{Label: "APNs team ID", Value: output.OrDashPtr(p.APNs.TeamID)},
		{Label: "APNs topic", Value: output.OrDashPtr(p.APNs.Topic)},
		{Label: "APNs endpoint", Value: endpoint},
		{Label: "FCM", Value: fcm},
		{Label: "FCM project ID", Value: output.OrDashPtr(p.FCM.ProjectID)},
		{Label: "FCM service account", Value: configured(p.FCM.ServiceAccountConfigured)},
	}
}

func configured(b bool) string {
	if b {
		return "configured"
	}
	return "not configured"
}

// appOf reads the app's settings: the Control API has no GET of one app, so this lists the
// account's apps (one request, needing Read App).
func appOf(ctx context.Context, s *session.Session, ref session.AppRef) (control.App, error) {
	accountID, err := s.AccountID(ctx)
	if err != nil {
		return control.App{}, err
	}
	apps, err := s.Client.ListApps(ctx, accountID)
	if err != nil {
		return control.App{}, err
	}
	for _, a := range apps {
		if a.ID == ref.ID {
			return a, nil
		}
	}
	return control.App{}, exitcode.New(exitcode.NotFound, "no app with ID %q in account %s (deleted?): see 'ably apps list'", ref.ID, accountID)
}
