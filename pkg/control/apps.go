package control

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"slices"
)

// App is an Ably app as the Control API returns it.
type App struct {
	AccountID                   string  `json:"accountId"`
	ID                          string  `json:"id"`
	Name                        string  `json:"name"`
	Status                      string  `json:"status"`
	TLSOnly                     *bool   `json:"tlsOnly"`
	APNsUseSandboxEndpoint      *bool   `json:"apnsUseSandboxEndpoint"`
	APNsAuthType                *string `json:"apnsAuthType"`
	APNsCertificateConfigured   bool    `json:"apnsCertificateConfigured"`
	APNsSigningKeyConfigured    bool    `json:"apnsSigningKeyConfigured"`
	APNsIssuerKey               *string `json:"apnsIssuerKey"`
	APNsSigningKeyID            *string `json:"apnsSigningKeyId"`
	APNsTopicHeader             *string `json:"apnsTopicHeader"`
	FCMProjectID                *string `json:"fcmProjectId"`
	FCMServiceAccountConfigured bool    `json:"fcmServiceAccountConfigured"`
	Created                     int64   `json:"created"`  // ms since the epoch
	Modified                    int64   `json:"modified"` // ms since the epoch

	raw json.RawMessage // the object as the API sent it, when decoded from an answer
}

// UnmarshalJSON decodes an app and keeps the object as sent, so that it is shown (--json)
// with exactly the API's fields: none added as null or false for what the API left out.
func (a *App) UnmarshalJSON(b []byte) error {
	type plain App
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*a = App(p)
	a.raw = slices.Clone(b)
	return nil
}

// MarshalJSON is the object as the API sent it, else (an App built in code) its fields.
func (a App) MarshalJSON() ([]byte, error) {
	if a.raw != nil {
		return a.raw, nil
	}
	type plain App
	return json.Marshal(plain(a))
}

// AppFields are the settable fields of an app. Only the fields set (non-nil) are sent, so
// an update changes exactly what the user asked for.
type AppFields struct {
	Name                   *string `json:"name,omitempty"`
	Status                 *string `json:"status,omitempty"` // "enabled" or "disabled"
	TLSOnly                *bool   `json:"tlsOnly,omitempty"`
	FCMKey                 *string `json:"fcmKey,omitempty"`
	FCMServiceAccount      *string `json:"fcmServiceAccount,omitempty"`
	FCMProjectID           *string `json:"fcmProjectId,omitempty"`
	APNsCertificate        *string `json:"apnsCertificate,omitempty"`
	APNsPrivateKey         *string `json:"apnsPrivateKey,omitempty"`
	APNsUseSandboxEndpoint *bool   `json:"apnsUseSandboxEndpoint,omitempty"`
	APNsAuthType           *string `json:"apnsAuthType,omitempty"` // "certificate" or "token"
	APNsSigningKey         *string `json:"apnsSigningKey,omitempty"`
	APNsSigningKeyID       *string `json:"apnsSigningKeyId,omitempty"`
	APNsIssuerKey          *string `json:"apnsIssuerKey,omitempty"`
	APNsTopicHeader        *string `json:"apnsTopicHeader,omitempty"`
}

// ListApps lists the account's apps.
func (c *Client) ListApps(ctx context.Context, accountID string) ([]App, error) {
	var apps []App
	err := c.do(ctx, call{op: opListApps, segments: []string{"accounts", accountID, "apps"},
		notFound: fmt.Sprintf("account %q", accountID)}, &apps)
	return apps, err
}

// CreateApp creates an app in the account; f.Name is required.
func (c *Client) CreateApp(ctx context.Context, accountID string, f AppFields) (*App, error) {
	if f.Name == nil || *f.Name == "" {
		return nil, fmt.Errorf("an app needs a name")
	}
	var app App
	err := c.do(ctx, call{op: opCreateApp, segments: []string{"accounts", accountID, "apps"}, body: f,
		notFound: fmt.Sprintf("account %q", accountID)}, &app)
	return &app, err
}

// UpdateApp changes the fields set in f.
func (c *Client) UpdateApp(ctx context.Context, appID string, f AppFields) (*App, error) {
	var app App
	err := c.do(ctx, call{op: opUpdateApp, segments: []string{"apps", appID}, body: f,
		notFound: fmt.Sprintf("app %q", appID)}, &app)
	return &app, err
}

// APNsSettings are the app_patch fields of an app's APNs configuration, every one nullable:
// what ClearAppSettings resets to forget it (as Ably's official CLI's push config clear-apns
// does).
func APNsSettings() []string {
	return []string{"apnsAuthType", "apnsCertificate", "apnsIssuerKey", "apnsPrivateKey", "apnsSigningKey",
		"apnsSigningKeyId", "apnsTopicHeader", "apnsUseSandboxEndpoint"}
}

// FCMSettings are the app_patch fields of an app's Firebase Cloud Messaging configuration
// that Ably's official CLI's push config clear-fcm resets: the project and its service
// account.
func FCMSettings() []string { return []string{"fcmProjectId", "fcmServiceAccount"} }

// nullableAppSettings are the app_patch fields that take null.
func nullableAppSettings() []string {
	return append(append([]string{"tlsOnly", "fcmKey"}, APNsSettings()...), FCMSettings()...)
}

// ClearAppSettings sets the named app_patch fields to null, which resets them, in one PATCH
// (AppFields cannot say null: it leaves out what is nil). A name that is not a nullable
// field of app_patch is refused unsent.
func (c *Client) ClearAppSettings(ctx context.Context, appID string, names ...string) (*App, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("no app settings to clear")
	}
	body := make(map[string]any, len(names))
	for _, n := range names {
		if !slices.Contains(nullableAppSettings(), n) {
			return nil, fmt.Errorf("%q is not an app setting that can be cleared", n)
		}
		body[n] = nil
	}
	var app App
	err := c.do(ctx, call{op: opUpdateApp, segments: []string{"apps", appID}, body: body,
		notFound: fmt.Sprintf("app %q", appID)}, &app)
	return &app, err
}

// DeleteApp deletes an app.
func (c *Client) DeleteApp(ctx context.Context, appID string) error {
	return c.do(ctx, call{op: opDeleteApp, segments: []string{"apps", appID}, notFound: fmt.Sprintf("app %q", appID)}, nil)
}

// UploadPKCS12 sets the app's APNs certificate from a .p12 file and its password.
func (c *Client) UploadPKCS12(ctx context.Context, appID string, p12 []byte, password string) (*App, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreateFormFile("p12File", "certificate.p12")
	if err == nil {
		_, err = part.Write(p12)
	}
	if err == nil {
		err = w.WriteField("p12Pass", password)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("encoding the certificate upload: %w", err)
	}
	var app App
	err = c.do(ctx, call{op: opUploadPKCS12, segments: []string{"apps", appID, "pkcs12"},
		body: buf.Bytes(), contentType: w.FormDataContentType(), notFound: fmt.Sprintf("app %q", appID)}, &app)
	return &app, err
}
