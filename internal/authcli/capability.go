package authcli

import (
	"encoding/json"
	"strings"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/exitcode"
)

// capabilityHelp explains, in a command's help, the two forms a capability flag takes.
const capabilityHelp = `A capability is JSON, resource name to operations ('{"chat:*":["publish","subscribe"]}'),
or a short form: operations granted on every resource, separated by commas (publish,subscribe).`

// parseCapabilityFlag reads the capability given to --name: JSON, or the short form of
// operations separated by commas, granted on every resource ("publish,subscribe" is
// {"*":["publish","subscribe"]}). Both are checked by ablyauth.ParseCapability, so errors
// (unknown operation and the closest known one, position of a JSON error) read the same.
func parseCapabilityFlag(name, value string) (ablyauth.Capability, error) {
	trimmed := strings.TrimSpace(value)
	if trimmed == "" || strings.ContainsAny(trimmed[:1], `{["`) {
		c, err := ablyauth.ParseCapability(value)
		if err != nil {
			return nil, exitcode.Usagef("--%s: %v", name, err)
		}
		return c, nil
	}
	ops := strings.Split(trimmed, ",")
	for i, op := range ops {
		ops[i] = strings.TrimSpace(op)
		if ops[i] == "" {
			return nil, exitcode.Usagef("--%s: %q has an empty operation: list operations separated by commas, e.g. publish,subscribe", name, value)
		}
	}
	data, _ := json.Marshal(map[string][]string{"*": ops}) // strings always marshal
	c, err := ablyauth.ParseCapability(string(data))
	if err != nil {
		return nil, exitcode.Usagef("--%s: %v", name, err)
	}
	return c, nil
}
