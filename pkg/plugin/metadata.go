package plugin

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// MetadataCommand is the hidden subcommand every plugin answers with its Metadata as one JSON
// object on stdout, without reading config or the network.
const MetadataCommand = "ably-plugin-metadata"

// SchemaVersion is the metadata protocol version this suite speaks.
const SchemaVersion = "1"

// groupName is the shape of a command group: `ably <group>` runs `ably-<group>`.
var groupName = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// ValidGroupName reports whether name may be a command group (and so a plugin name).
func ValidGroupName(name string) bool { return groupName.MatchString(name) }

// Metadata describes a plugin to the dispatcher. Extra fields are allowed on the wire.
type Metadata struct {
	SchemaVersion    string `json:"schemaVersion"`
	Name             string `json:"name"` // the group, e.g. "auth" for ably-auth
	Vendor           string `json:"vendor"`
	Version          string `json:"version"`
	ShortDescription string `json:"shortDescription"`
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
