package appscli

import (
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/output"
)

// appDetails is the labelled block one app is shown as. The API never returns push secrets,
// only whether they are configured.
func appDetails(a control.App) []output.Field {
	return []output.Field{
		{Label: "ID", Value: a.ID},
		{Label: "Name", Value: a.Name},
		{Label: "Status", Value: a.Status},
		{Label: "TLS only", Value: optBool(a.TLSOnly)},
		{Label: "Account", Value: a.AccountID},
		{Label: "Created", Value: output.Millis(a.Created)},
		{Label: "Modified", Value: output.Millis(a.Modified)},
		{Label: "APNs auth type", Value: output.OrDashPtr(a.APNsAuthType)},
		{Label: "APNs certificate", Value: configured(a.APNsCertificateConfigured)},
		{Label: "APNs signing key", Value: configured(a.APNsSigningKeyConfigured)},
		{Label: "APNs signing key ID", Value: output.OrDashPtr(a.APNsSigningKeyID)},
		{Label: "APNs issuer key", Value: output.OrDashPtr(a.APNsIssuerKey)},
		{Label: "APNs topic header", Value: output.OrDashPtr(a.APNsTopicHeader)},
		{Label: "APNs sandbox", Value: optBool(a.APNsUseSandboxEndpoint)},
		{Label: "FCM project ID", Value: output.OrDashPtr(a.FCMProjectID)},
		{Label: "FCM service account", Value: configured(a.FCMServiceAccountConfigured)},
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func optBool(b *bool) string {
	if b == nil {
		return "-"
	}
	return yesNo(*b)
}

func configured(b bool) string {
	if b {
		return "configured"
	}
	return "not configured"
}
