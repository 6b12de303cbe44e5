package resttest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The fake decides what a capability allows with its own code, written from Ably's rules,
// not with pkg/ablyauth's, so that a client's mistake cannot pass by being shared.

// allCapability is what a key without a capability of its own grants: every operation on
// every plain channel. A plain "*" does not reach qualified channels such as [meta]log.
func allCapability() map[string][]string { return map[string][]string{"*": {"*"}} }

// capabilityAllows reports whether capability grants op on channel. A resource matches a
// channel when it is "[*]*" (everything), or when its qualifier matches the channel's and
// its name part matches the channel's name (resourceNameMatches). A qualifier is a leading
// "[...]": a plain resource matches only plain channels, "[meta]..." only [meta] channels,
// "[*]..." a channel with any qualifier or none. The operation "*" grants every operation.
func capabilityAllows(capability map[string][]string, channel, op string) bool {
	for resource, ops := range capability {
		if resourceMatches(resource, channel) && (slices.Contains(ops, "*") || slices.Contains(ops, op)) {
			return true
		}
	}
	return false
}

// resourceMatches is the resource half of capabilityAllows.
func resourceMatches(resource, channel string) bool {
	rq, rname := splitQualifier(resource)
	cq, cname := splitQualifier(channel)
	if rq != "[*]" && rq != cq {
		return false
	}
	return resourceNameMatches(rname, cname)
}

// resourceNameMatches matches unqualified names: "*" matches any name, "ns:*" any name
// below the namespace ns ("chat:*" matches "chat:a" and "chat:a:b", not "chat"), and any
// other resource only the name itself.
func resourceNameMatches(resource, name string) bool {
	switch {
	case resource == "*":
		return true
	case strings.HasSuffix(resource, ":*"):
		prefix := strings.TrimSuffix(resource, "*")
		return strings.HasPrefix(name, prefix) && len(name) > len(prefix)
	}
	return resource == name
}

// splitQualifier splits "[meta]log" into "[meta]" and "log"; a name without a leading
// bracketed qualifier has none.
func splitQualifier(name string) (qualifier, rest string) {
	if strings.HasPrefix(name, "[") {
		if i := strings.Index(name, "]"); i > 0 {
			return name[:i+1], name[i+1:]
		}
	}
	return "", name
}

// parseCapability reads a capability's JSON text: an object of resource to a non-empty
// array of operations.
func parseCapability(text string) (map[string][]string, error) {
	var c map[string][]string
	if err := json.Unmarshal([]byte(text), &c); err != nil || len(c) == 0 {
		return nil, fmt.Errorf("%q is not a JSON object of resource to an array of operations", text)
	}
	for r, ops := range c {
		if len(ops) == 0 {
			return nil, fmt.Errorf("resource %q has no operations", r)
		}
	}
	return c, nil
}
