// Package protocol is the contract between the ably dispatcher and its plugins: the name a
// plugin may have and the metadata it answers with. It depends on nothing else of the suite,
// so the dispatcher (which must start fast) and plugins in Go can both use it.
package protocol

import (
	"encoding/json"
	"fmt"
)

// MetadataCommand is the hidden subcommand every plugin answers with its Metadata as one JSON
// object on stdout, without reading config or the network.
const MetadataCommand = "ably-plugin-metadata"

// SchemaVersion is the metadata protocol version this suite speaks.
const SchemaVersion = "1"

// ValidGroupName reports whether name may be a command group, and so a plugin name: it must
// match ^[a-z][a-z0-9-]*$ (`ably <group>` runs `ably-<group>`). Checked by hand, not with a
// regexp, because compiling one would cost every process of the suite at start-up.
func ValidGroupName(name string) bool {
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for i := 1; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Metadata describes a plugin to the dispatcher. Extra fields are allowed on the wire.
type Metadata struct {
	SchemaVersion    string `json:"schemaVersion"`
	Name             string `json:"name"` // the group, e.g. "auth" for ably-auth
	Vendor           string `json:"vendor"`
	Version          string `json:"version"`
	ShortDescription string `json:"shortDescription"`

	// Commands lists a group's own commands, each as its words joined by spaces, aliases
	// included: "list", "channel-rules", "channel-rules list". Optional. The dispatcher uses
	// it to show where a plugin adding a subcommand goes (ably-apps-channel-rules-foo is
	// `apps channel-rules foo`), and that one named like an own command never runs.
	Commands []string `json:"commands,omitempty"`
}

// ParseMetadata decodes and checks a plugin's metadata answer for the plugin of the given
// group name. The error says what is wrong, for `ably plugin list` to show.
func ParseMetadata(data []byte, group string) (Metadata, error) {
	var m Metadata
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("metadata is not a JSON object: %v", err)
	}
	switch {
	case m.SchemaVersion != SchemaVersion:
		return m, fmt.Errorf("metadata schemaVersion is %q, want %q", m.SchemaVersion, SchemaVersion)
	case m.Name != group:
		return m, fmt.Errorf("metadata name is %q, want %q (the name after ably-)", m.Name, group)
	case m.ShortDescription == "":
		return m, fmt.Errorf("metadata has no shortDescription")
	}
	return m, nil
}

// ErrorBody is how every program of the suite, the dispatcher and its plugins, reports an
// error on stderr under --json or --pretty-json (DESIGN §6):
//
//	{"error":{"message":"...","code":40100,"statusCode":401,"href":"https://...","exitCode":4}}
//
// code, statusCode and href are Ably's error fields, present only for an error from Ably.
type ErrorBody struct {
	Error ErrorFields `json:"error"`
}

// ErrorFields are the fields of ErrorBody.
type ErrorFields struct {
	Message    string `json:"message"`
	Code       int    `json:"code,omitempty"`
	StatusCode int    `json:"statusCode,omitempty"`
	Href       string `json:"href,omitempty"`
	ExitCode   int    `json:"exitCode"`
}
