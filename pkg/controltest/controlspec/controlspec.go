// Package controlspec holds pkg/controltest's fake to the Control API's published
// description (control-v1.yaml): Load gives the fakeserver.Checker for controltest.WithSpec,
// with the few places where the real API, and so the fake, departs from the description.
package controlspec

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/ably/ably-suite/pkg/fakeserver"
	"github.com/ably/ably-suite/pkg/fakeserver/openapi"
)

// Load reads and checks an OpenAPI 3 description of the Control API (control-v1.yaml) and
// returns the check of a fake's traffic against it. The YAML is read as YAML 1.2, so the
// unquoted `off` in the MongoDB rule enums stays the string "off".
func Load(path string) (fakeserver.Checker, error) { return description().Load(path) }

// Path finds the description this suite's tests check against, in ../shared/spec beside the
// module root (see openapi.SpecPath).
func Path() (string, error) { return description().Path() }

// Require returns Path's answer for a test that needs the spec, failing the test under CI
// and skipping it elsewhere when the spec is missing (see openapi.RequireSpec).
func Require(t testing.TB) string {
	t.Helper()
	return description().Require(t)
}

// MustLoad is Load of Require's path for a test: the test fails if the spec does not load.
func MustLoad(t testing.TB) fakeserver.Checker {
	t.Helper()
	return description().MustLoad(t)
}

func description() openapi.Description {
	return openapi.Description{Name: specName, File: specFile, Rules: rules()}
}

const (
	specName = "the Control API spec"
	specFile = "control-v1.yaml"
)

// rules is where the fake departs from control-v1.yaml on purpose: the fields the real
// API returns beyond it. Whether a token is good is checked by the fake itself; the spec
// check asks only for a bearer token.
func rules() openapi.Rules {
	return openapi.Rules{ResponseBody: withoutKnownExtras}
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
