package controltest

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/ably/ably-suite/pkg/fakeserver"
)

// Spec is a loaded OpenAPI description of the Control API (pkg/fakeserver's).
type Spec = fakeserver.Spec

// LoadSpec reads and checks an OpenAPI 3 description (control-v1.yaml). The YAML is read
// as YAML 1.2, so the unquoted `off` in the MongoDB rule enums stays the string "off".
func LoadSpec(path string) (*Spec, error) { return fakeserver.LoadSpec(path) }

// SpecPath finds the Control API description this suite's tests validate against:
// ../shared/spec/control-v1.yaml beside the module root (see fakeserver.SpecPath).
func SpecPath() (string, error) { return fakeserver.SpecPath(specName, specFile) }

// RequireSpec returns SpecPath's answer for a test that needs the spec, failing the test
// under CI and skipping it elsewhere when the spec is missing (see fakeserver.RequireSpec).
func RequireSpec(t testing.TB) string {
	t.Helper()
	return fakeserver.RequireSpec(t, specName, specFile)
}

const (
	specName = "the Control API spec"
	specFile = "control-v1.yaml"
)

// specRules is where the fake departs from control-v1.yaml on purpose: the fields the real
// API returns beyond it. Whether a token is good is checked by the fake itself; the spec
// check asks only for a bearer token.
func specRules() fakeserver.SpecRules {
	return fakeserver.SpecRules{ResponseBody: withoutKnownExtras}
}

// withoutKnownExtras drops the fields the real API returns although the spec, which says
// additionalProperties: false, does not list them (stats' inProgress, namespaces'
// identified); anything else unlisted stays a violation.
func withoutKnownExtras(path string, status int, body []byte) []byte {
	var extra string
	switch path {
	case "/accounts/{id}/stats", "/apps/{id}/stats":
		extra = "inProgress"
	case "/apps/{app_id}/namespaces", "/apps/{app_id}/namespaces/{namespace_id}":
		extra = "identified"
	}
	if extra == "" || status/100 != 2 {
		return body
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&doc) != nil {
		return body
	}
	objects := []any{doc}
	if list, ok := doc.([]any); ok {
		objects = list
	}
	for _, o := range objects {
		if m, ok := o.(map[string]any); ok {
			delete(m, extra)
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return out
}
