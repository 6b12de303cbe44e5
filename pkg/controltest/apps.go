package controltest

import (
	"fmt"
	"net/http"
	"slices"
)

// App is an Ably application, as app_response describes it.
type App struct {
	AccountID                   string  `json:"accountId"`
	ID                          string  `json:"id"`
	Name                        string  `json:"name"`
	Status                      string  `json:"status"` // "enabled" or "disabled"
	TLSOnly                     bool    `json:"tlsOnly"`
	APNSUseSandboxEndpoint      bool    `json:"apnsUseSandboxEndpoint"`
	APNSAuthType                *string `json:"apnsAuthType"` // "certificate", "token" or null
	APNSCertificateConfigured   bool    `json:"apnsCertificateConfigured"`
	APNSSigningKeyConfigured    bool    `json:"apnsSigningKeyConfigured"`
	APNSIssuerKey               *string `json:"apnsIssuerKey"`
	APNSSigningKeyID            *string `json:"apnsSigningKeyId"`
	APNSTopicHeader             *string `json:"apnsTopicHeader"`
	FCMProjectID                *string `json:"fcmProjectId"`
	FCMServiceAccountConfigured bool    `json:"fcmServiceAccountConfigured"`
	Created                     int64   `json:"created"`  // ms since the epoch
	Modified                    int64   `json:"modified"` // ms since the epoch
}

// AddApp adds an app to an account ("" is DefaultAccountID) and returns it as stored. Empty
// ID, Status and times are filled in. Unlike POST, it adds no root key: a test gets exactly
// what it seeds.
func (s *Server) AddApp(accountID string, a App) App {
	s.mu.Lock()
	defer s.mu.Unlock()
	if accountID == "" {
		accountID = DefaultAccountID
	}
	s.ensureAccount(accountID)
	a.AccountID = accountID
	if a.ID == "" {
		a.ID = s.newID()
	} else if s.app(a.ID) != nil {
		panic(fmt.Sprintf("controltest: AddApp: app %q exists", a.ID))
	}
	if a.Status == "" {
		a.Status = "enabled"
	}
	now := s.nowMillis()
	if a.Created == 0 {
		a.Created = now
	}
	if a.Modified == 0 {
		a.Modified = a.Created
	}
	s.apps = append(s.apps, &a)
	return a
}

// Apps returns every app of every account, oldest first.
func (s *Server) Apps() []App {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]App, 0, len(s.apps))
	for _, a := range s.apps {
		out = append(out, *a)
	}
	return out
}

func (s *Server) app(id string) *App {
	for _, a := range s.apps {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// ownApp finds an app of the caller's account, answering 404 itself otherwise: another
// account's app is as invisible as one that does not exist. The caller holds s.mu.
func (s *Server) ownApp(c *call, id string) *App {
	a := s.app(id)
	if a == nil || a.AccountID != c.token.AccountID {
		c.notFound("app %q not found", id)
		return nil
	}
	return a
}

// ownAccount checks that the path's account is the token's, answering 404 otherwise.
func (c *call) ownAccount(id string) bool {
	if id != c.token.AccountID {
		c.notFound("account %q not found", id)
		return false
	}
	return true
}

func (s *Server) listApps(c *call) {
	if !c.ownAccount(c.r.PathValue("account_id")) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []App{}
	for _, a := range s.apps {
		if a.AccountID == c.token.AccountID {
			out = append(out, *a)
		}
	}
	writeJSON(c.w, http.StatusOK, out)
}

func (s *Server) createApp(c *call) {
	if !c.ownAccount(c.r.PathValue("account_id")) {
		return
	}
	f, ok := c.readObject()
	if !ok {
		return
	}
	a := App{AccountID: c.token.AccountID, Status: "enabled"}
	applyAppFields(f, &a)
	if err := f.check(); err != nil {
		c.badRequest("%v", err)
		return
	}
	if m := f.missing("name"); len(m) > 0 {
		c.invalid(true, "%s is required", m[0])
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkApp(&a); err != nil {
		c.invalid(true, "%v", err)
		return
	}
	a.ID = s.newID()
	a.Created = s.nowMillis()
	a.Modified = a.Created
	s.apps = append(s.apps, &a)
	// Ably gives every new app a root key with every right.
	s.addKey(a.ID, Key{Name: "Root", Capability: map[string][]string{"*": {"*"}}})
	writeJSON(c.w, http.StatusCreated, a)
}

func (s *Server) updateApp(c *call) {
	f, ok := c.readObject()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.ownApp(c, c.r.PathValue("id"))
	if a == nil {
		return
	}
	next := *a
	applyAppFields(f, &next)
	if err := f.check(); err != nil {
		c.badRequest("%v", err)
		return
	}
	if f.has("name") && next.Name == "" {
		c.invalid(true, "name must not be empty")
		return
	}
	if err := s.checkApp(&next); err != nil {
		c.invalid(true, "%v", err)
		return
	}
	next.Modified = s.nowMillis()
	*a = next
	writeJSON(c.w, http.StatusOK, next)
}

func (s *Server) deleteApp(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.ownApp(c, c.r.PathValue("id"))
	if a == nil {
		return
	}
	id := a.ID
	s.apps = slices.DeleteFunc(s.apps, func(x *App) bool { return x.ID == id })
	s.keys = slices.DeleteFunc(s.keys, func(x *Key) bool { return x.AppID == id })
	s.namespaces = slices.DeleteFunc(s.namespaces, func(x *Namespace) bool { return x.AppID == id })
	s.queues = slices.DeleteFunc(s.queues, func(x *Queue) bool { return x.AppID == id })
	s.rules = slices.DeleteFunc(s.rules, func(x Rule) bool { return x.AppID() == id })
	c.w.WriteHeader(http.StatusNoContent)
}

// uploadPKCS12 takes an APNs certificate as a .p12 file and its password.
func (s *Server) uploadPKCS12(c *call) {
	if err := c.r.ParseMultipartForm(maxBody); err != nil {
		c.badRequest("want a multipart/form-data body with p12File and p12Pass: %v", err)
		return
	}
	defer c.r.MultipartForm.RemoveAll()
	files := c.r.MultipartForm.File["p12File"]
	if len(files) == 0 || files[0].Size == 0 {
		c.badRequest("p12File is required: the .p12 file holding the APNs certificate")
		return
	}
	if _, ok := c.r.MultipartForm.Value["p12Pass"]; !ok {
		c.badRequest("p12Pass is required: the password of the .p12 file")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.ownApp(c, c.r.PathValue("id"))
	if a == nil {
		return
	}
	certificate := "certificate"
	a.APNSAuthType = &certificate
	a.APNSCertificateConfigured = true
	a.Modified = s.nowMillis()
	writeJSON(c.w, http.StatusOK, *a)
}

// applyAppFields copies what an app_post or app_patch body sets into a. The secrets
// (FCM key and service account, APNs certificate, private and signing keys) are never
// returned by the API, so only whether they are configured is kept.
func applyAppFields(f *fields, a *App) {
	f.get("name", &a.Name)
	f.get("status", &a.Status)
	nullableBool(f, "tlsOnly", &a.TLSOnly)
	nullableBool(f, "apnsUseSandboxEndpoint", &a.APNSUseSandboxEndpoint)
	getNew(f, "apnsAuthType", &a.APNSAuthType)
	getNew(f, "apnsIssuerKey", &a.APNSIssuerKey)
	getNew(f, "apnsSigningKeyId", &a.APNSSigningKeyID)
	getNew(f, "apnsTopicHeader", &a.APNSTopicHeader)
	getNew(f, "fcmProjectId", &a.FCMProjectID)
	secret(f, "fcmServiceAccount", &a.FCMServiceAccountConfigured)
	secret(f, "apnsCertificate", &a.APNSCertificateConfigured)
	secret(f, "apnsSigningKey", &a.APNSSigningKeyConfigured)
	var ignored bool
	secret(f, "fcmKey", &ignored) // the legacy FCM server key: accepted, not reported
	secret(f, "apnsPrivateKey", &ignored)
}

func nullableBool(f *fields, name string, dst *bool) {
	if !f.has(name) {
		return
	}
	var v *bool
	f.get(name, &v)
	*dst = v != nil && *v
}

func secret(f *fields, name string, configured *bool) {
	if !f.has(name) {
		return
	}
	var v *string
	f.get(name, &v)
	*configured = v != nil && *v != ""
}

// checkApp applies the API's rules to an app about to be stored. The caller holds s.mu.
func (s *Server) checkApp(a *App) error {
	if a.Status != "enabled" && a.Status != "disabled" {
		return fmt.Errorf("status must be \"enabled\" or \"disabled\", not %q", a.Status)
	}
	if t := a.APNSAuthType; t != nil && *t != "certificate" && *t != "token" {
		return fmt.Errorf("apnsAuthType must be \"certificate\" or \"token\", not %q", *t)
	}
	for _, other := range s.apps {
		if other.ID != a.ID && other.AccountID == a.AccountID && other.Name == a.Name {
			return fmt.Errorf("an app named %q already exists in this account", a.Name)
		}
	}
	return nil
}
