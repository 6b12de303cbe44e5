// Package restspec holds pkg/resttest's fake to Ably's published REST API description
// (platform-v1.yaml): Load gives the fakeserver.Checker for resttest.WithSpec, tolerating
// and amending the description where it cannot be met as written (see resttest's package
// doc), with the operations the fake serves beyond it.
package restspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ably/ably-suite/pkg/fakeserver"
	"github.com/ably/ably-suite/pkg/fakeserver/openapi"
)

const (
	specName = "the REST API spec"
	specFile = "platform-v1.yaml"
	// tokenRoute is the operation the fake serves that platform-v1.yaml describes.
	tokenRoute = "/keys/{keyName}/requestToken"
)

// Load reads Ably's REST API description (platform-v1.yaml) as the fake checks against it,
// tolerating the flaws in it that the check does not touch and amending those that would
// make every signed token request a violation, and returns the check of a fake's traffic.
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
	return openapi.Description{Name: specName, File: specFile, Options: loadOptions(), Rules: rules()}
}

func loadOptions() []openapi.Option {
	return []openapi.Option{
		// limit's default is the string "100" for an integer, and requestToken's example
		// breaks its own schema (a string timestamp, no nonce); neither is checked here.
		openapi.Tolerating(openapi3.DisableSchemaDefaultsValidation(), openapi3.DisableExamplesValidation()),
		openapi.Amending(tokenBodyOneOf),
		openapi.Amending(messagesAsSent),
	}
}

// tokenBodyOneOf makes requestToken's body, oneOf TokenRequest or SignedTokenRequest, a
// choice that can be made: a SignedTokenRequest is a TokenRequest with a mac, so every
// signed request matched both and no signed request could pass. The TokenRequest branch
// now excludes a mac.
func tokenBodyOneOf(doc *openapi3.T) error {
	item := doc.Paths.Find(tokenRoute)
	if item == nil || item.Post == nil || item.Post.RequestBody == nil || item.Post.RequestBody.Value == nil {
		return errors.New("no POST " + tokenRoute + " with a request body")
	}
	media := item.Post.RequestBody.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil || media.Schema.Value == nil || len(media.Schema.Value.OneOf) != 2 ||
		!strings.HasSuffix(media.Schema.Value.OneOf[0].Ref, "/TokenRequest") {
		return errors.New("POST " + tokenRoute + "'s body is no longer oneOf TokenRequest, SignedTokenRequest; pkg/resttest/restspec's amendment is out of date")
	}
	unsigned := media.Schema.Value.OneOf[0]
	noMAC := &openapi3.Schema{Not: openapi3.NewSchemaRef("", &openapi3.Schema{Required: []string{"mac"}})}
	media.Schema.Value.OneOf[0] = openapi3.NewSchemaRef("", &openapi3.Schema{AllOf: openapi3.SchemaRefs{unsigned, openapi3.NewSchemaRef("", noMAC)}})
	return nil
}

func rules() openapi.Rules {
	return openapi.Rules{
		Authenticate: specAuth,
		RequestBody:  capabilityAsObject,
		Unspecified: []string{
			"POST /keys/*/revokeTokens",
			"POST /messages",
			"GET /channels/*/messages/*", "PATCH /channels/*/messages/*",
			"GET /channels/*/messages/*/annotations", "POST /channels/*/messages/*/annotations",
		},
	}
}

// specAuth: the spec asks every operation for basic or bearer credentials, but says in
// requestToken's description that a signed token request needs none.
func specAuth(a openapi.Auth) error {
	if a.Route == tokenRoute && a.Request.Header.Get("Authorization") == "" {
		var body struct {
			MAC string `json:"mac"`
		}
		if json.Unmarshal(a.Body, &body) == nil && body.MAC != "" {
			return nil
		}
	}
	return openapi.CredentialsShaped(a)
}

// capabilityAsObject turns a token request's capability, when it is a string of a JSON
// object, into that object for the check. platform-v1.yaml draws it as an object, but
// Ably's token request spec and SDKs send the JSON as a string, the exact bytes the mac
// covers; the fake takes both.
func capabilityAsObject(route string, body []byte) []byte {
	if route != tokenRoute {
		return body
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return body
	}
	var text string
	if json.Unmarshal(fields["capability"], &text) != nil {
		return body
	}
	var object map[string]json.RawMessage
	if json.Unmarshal([]byte(text), &object) != nil {
		return body
	}
	fields["capability"] = json.RawMessage(bytes.TrimSpace([]byte(text)))
	out, err := json.Marshal(fields)
	if err != nil {
		return body
	}
	return out
}

// messagesAsSent reads the description's messages as Ably sends and takes them (see the
// package doc): a message's data (and a presence message's) is any JSON value, not only a
// string; a publisher may give a message's id (idempotent publishing, RSL1k), which the
// description marks read-only; a publish's body is a message or an array of them; a
// presence message's action is Ably's number; and a channel listing, an array of names or
// of ChannelDetails, is anyOf the two, as an empty array is both.
func messagesAsSent(doc *openapi3.T) error {
	schemas := doc.Components.Schemas
	msg, presence := schemas["Message"], schemas["PresenceMessage"]
	if msg == nil || msg.Value == nil || presence == nil || presence.Value == nil {
		return errors.New("no Message or PresenceMessage schema; pkg/resttest/restspec's amendment is out of date")
	}
	for _, sc := range []*openapi3.Schema{msg.Value, presence.Value} {
		data := sc.Properties["data"]
		if data == nil || data.Value == nil {
			return errors.New("a message schema has no data; pkg/resttest/restspec's amendment is out of date")
		}
		sc.Properties["data"] = openapi3.NewSchemaRef("", &openapi3.Schema{Description: data.Value.Description})
	}
	if id := msg.Value.Properties["id"]; id != nil && id.Value != nil {
		id.Value.ReadOnly = false
	}
	if action := presence.Value.Properties["action"]; action != nil && action.Value != nil {
		presence.Value.Properties["action"] = openapi3.NewSchemaRef("", openapi3.NewIntegerSchema().WithMin(0).WithMax(4))
	}
	publish := doc.Paths.Find("/channels/{channel_id}/messages")
	if publish == nil || publish.Post == nil || publish.Post.RequestBody == nil || publish.Post.RequestBody.Value == nil {
		return errors.New("no POST /channels/{channel_id}/messages with a body; pkg/resttest/restspec's amendment is out of date")
	}
	for _, media := range publish.Post.RequestBody.Value.Content {
		media.Schema = openapi3.NewSchemaRef("", &openapi3.Schema{OneOf: openapi3.SchemaRefs{
			msg, openapi3.NewSchemaRef("", openapi3.NewArraySchema().WithItems(msg.Value)),
		}})
	}
	list := doc.Paths.Find("/channels")
	if list == nil || list.Get == nil {
		return errors.New("no GET /channels; pkg/resttest/restspec's amendment is out of date")
	}
	for _, res := range list.Get.Responses.Map() {
		if res.Value == nil {
			continue
		}
		for _, media := range res.Value.Content {
			if sc := media.Schema; sc != nil && sc.Value != nil && len(sc.Value.OneOf) > 0 {
				sc.Value.AnyOf, sc.Value.OneOf = sc.Value.OneOf, nil
			}
		}
	}
	return nil
}
