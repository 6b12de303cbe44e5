package control

import (
	"fmt"
	"slices"
)

// Capability is an access-token capability as the API names it, e.g. "read:app".
type Capability string

// The access-token capabilities (../shared/seeds/access-tokens.txt).
const (
	ReadApp        Capability = "read:app"
	WriteApp       Capability = "write:app"
	ReadKey        Capability = "read:key"
	WriteKey       Capability = "write:key"
	ReadRule       Capability = "read:rule"
	WriteRule      Capability = "write:rule"
	ReadQueue      Capability = "read:queue"
	WriteQueue     Capability = "write:queue"
	ReadNamespace  Capability = "read:namespace"
	WriteNamespace Capability = "write:namespace"
	ReadStats      Capability = "read:stats"
)

// CapabilityInfo is one row of the seed's table: what a capability is called on the
// dashboard, what it allows in the Control API, and the commands it unlocks.
type CapabilityInfo struct {
	Capability Capability `json:"capability"`
	Label      string     `json:"label"`
	Allows     string     `json:"allows"`
	Commands   []string   `json:"commands"`
}

// capabilityTable is the seed's table, in its order. Read-only.
var capabilityTable = [...]CapabilityInfo{
	{ReadApp, "Read App", "List apps", []string{"ably apps list"}},
	{WriteApp, "Write App", "Create, update, and delete apps", []string{"ably apps create", "ably apps update", "ably apps delete"}},
	{ReadKey, "Read Key", "List API keys for an app", []string{"ably auth keys list", "ably auth keys get"}},
	{WriteKey, "Write Key", "Create, update, and revoke API keys", []string{"ably auth keys create", "ably auth keys update", "ably auth keys revoke"}},
	{ReadRule, "Read Integration", "List and get integration rules", []string{"ably integrations list", "ably integrations get"}},
	{WriteRule, "Write Integration", "Create, update, and delete integration rules", []string{"ably integrations create", "ably integrations update", "ably integrations delete"}},
	{ReadQueue, "Read Queue", "List queues for an app", []string{"ably queues list"}},
	{WriteQueue, "Write Queue", "Create and delete queues", []string{"ably queues create", "ably queues delete"}},
	{ReadNamespace, "Read Rule", "List rules for an app", []string{"ably apps channel-rules list"}},
	{WriteNamespace, "Write Rule", "Create, update, and delete rules", []string{"ably apps channel-rules create", "ably apps channel-rules update", "ably apps channel-rules delete"}},
	{ReadStats, "Read Stats", "Account and app statistics", []string{"ably stats account", "ably stats app"}},
}

// Capabilities returns the seed's capability table, in its order.
func Capabilities() []CapabilityInfo {
	out := make([]CapabilityInfo, len(capabilityTable))
	for i, c := range capabilityTable {
		c.Commands = slices.Clone(c.Commands)
		out[i] = c
	}
	return out
}

// Info returns the table row of c.
func (c Capability) Info() CapabilityInfo {
	for _, row := range capabilityTable {
		if row.Capability == c {
			return row
		}
	}
	return CapabilityInfo{Capability: c, Label: string(c)}
}

// Display names c as the dashboard and the API both do: "Write App (write:app)".
func (c Capability) Display() string { return fmt.Sprintf("%s (%s)", c.Info().Label, c) }
