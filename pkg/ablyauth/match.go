package ablyauth

import (
	"sort"
	"strings"
)

// Allows reports whether the capability grants op on the channel named, by Ably's rules
// (TC3 and the capability docs): a resource is a channel name or a pattern, optionally
// after a qualifier in brackets ("[meta]log", "[*]*"), and the operations it grants, where
// "*" is every operation. This is the suite's one capability matcher: data-plane commands
// use it to refuse a call before sending it, inspect-token to answer --channel/--operation.
func (c Capability) Allows(channel, op string) bool {
	for resource, ops := range c {
		if grants(ops, op) && ResourceMatches(resource, channel) {
			return true
		}
	}
	return false
}

// AllowsAny reports whether some resource grants op: the check for a call that is not on
// one channel, such as listing channels (channel-metadata).
func (c Capability) AllowsAny(op string) bool {
	for _, ops := range c {
		if grants(ops, op) {
			return true
		}
	}
	return false
}

// Summary is the capability on one line, resources sorted and operations as given:
// `chat:* [publish subscribe], status:* [subscribe]`. Refusals quote it.
func (c Capability) Summary() string {
	if len(c) == 0 {
		return "nothing"
	}
	rs := make([]string, 0, len(c))
	for r := range c {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(r)
		b.WriteString(" [")
		b.WriteString(strings.Join(c[r], " "))
		b.WriteString("]")
	}
	return b.String()
}

func grants(ops []string, op string) bool {
	for _, o := range ops {
		if o == "*" || o == op {
			return true
		}
	}
	return false
}

// ResourceMatches reports whether a capability resource matches a channel name.
//
//   - The qualifier, a bracketed prefix such as "[meta]", must be the channel's own, except
//     that "[*]" matches any qualifier and none; a resource without one matches only
//     channels without one, so "*" does not reach "[meta]log".
//   - After the qualifier, "*" matches every name, a pattern ending in ":*" ("chat:*")
//     matches the names that start with what comes before the "*" ("chat:a", "chat:a:b",
//     not "chat"), and anything else matches only itself. Channel names may hold colons.
func ResourceMatches(resource, channel string) bool {
	rq, rname := splitQualifier(resource)
	cq, cname := splitQualifier(channel)
	if rq != "[*]" && rq != cq {
		return false
	}
	switch {
	case rname == "*":
		return true
	case strings.HasSuffix(rname, ":*"):
		return strings.HasPrefix(cname, rname[:len(rname)-1])
	}
	return rname == cname
}

// splitQualifier splits "[meta]log" into "[meta]" and "log"; a name without a bracketed
// prefix has an empty qualifier.
func splitQualifier(name string) (qualifier, rest string) {
	if !strings.HasPrefix(name, "[") {
		return "", name
	}
	end := strings.IndexByte(name, ']')
	if end < 0 {
		return "", name
	}
	return name[:end+1], name[end+1:]
}
