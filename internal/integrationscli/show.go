package integrationscli

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/output"
)

// shownRule is a rule ready for output: the API's object in its order, secrets masked
// unless the user asked to see them.
type shownRule struct{ *node }

// showRule prepares a rule for output. Rules stay raw JSON end to end, so a type this
// suite does not model (or "unsupported") is printed like any other.
func showRule(r control.Rule, showSecret bool) (shownRule, error) {
	raw := r.Raw
	if len(raw) == 0 {
		var err error
		if raw, err = json.Marshal(r); err != nil {
			return shownRule{}, err
		}
	}
	n, err := parseNode(raw)
	if err != nil {
		return shownRule{}, fmt.Errorf("reading integration rule %q: %w", r.ID, err)
	}
	if !showSecret {
		maskSecrets(n)
	}
	return shownRule{n}, nil
}

func showRules(rules []control.Rule, showSecret bool) ([]shownRule, error) {
	out := make([]shownRule, 0, len(rules))
	for _, r := range rules {
		s, err := showRule(r, showSecret)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

var ruleHeader = []string{"id", "type", "mode", "status", "source", "target"}

// row is the rule's line in a listing.
func (r shownRule) row() []string {
	mode := r.str("requestMode")
	if mode == "" {
		mode = strings.ToLower(strings.ReplaceAll(r.str("invocationMode"), "_", "-"))
	}
	return []string{r.str("id"), output.OrDash(r.str("ruleType")), output.OrDash(mode), output.OrDash(r.str("status")), r.source(), r.target()}
}

// source is the channel source (type and filter) or the chat room filter.
func (r shownRule) source() string {
	if src := r.get("source"); src != nil {
		s := output.OrDash(src.str("type"))
		if f := src.str("channelFilter"); f != "" {
			s += " " + f
		}
		return s
	}
	if f := r.str("chatRoomFilter"); f != "" {
		return "chat rooms " + f
	}
	return "-"
}

// target summarises where the rule sends to (or reads from); "-" for types this suite
// does not model.
func (r shownRule) target() string {
	t, ok := lookupRuleType(r.str("ruleType"))
	if !ok || t.summary == nil {
		return "-"
	}
	return t.summary(r.get("target"))
}

// topLabels names the rule's top-level fields in details, in the order shown.
var topLabels = []struct{ key, label string }{
	{"id", "ID"}, {"ruleType", "Type"}, {"status", "Status"}, {"appId", "App ID"},
	{"requestMode", "Request mode"}, {"invocationMode", "Invocation mode"},
	{"source", ""}, {"chatRoomFilter", "Chat room filter"},
	{"target", ""}, {"beforePublishConfig", ""},
	{"version", "Version"}, {"created", "Created"}, {"modified", "Modified"}, {"_links", ""},
}

// details are the rule's labelled fields: the common ones by name, the target's and
// anything else by their API path (target.url, target.authentication.accessKeyId, ...).
func (r shownRule) details() []output.Field {
	var fields []output.Field
	known := map[string]bool{}
	for _, tl := range topLabels {
		known[tl.key] = true
		v := r.get(tl.key)
		if v == nil {
			continue
		}
		switch tl.key {
		case "source":
			filter := v.str("channelFilter")
			if filter == "" {
				filter = "(all channels)"
			}
			fields = append(fields, output.Field{Label: "Source", Value: output.OrDash(v.str("type"))},
				output.Field{Label: "Channel filter", Value: filter})
		case "target", "beforePublishConfig":
			fields = flatten(fields, tl.key, v)
		case "created", "modified":
			fields = append(fields, output.Field{Label: tl.label, Value: millis(v)})
		case "_links":
		default:
			fields = append(fields, output.Field{Label: tl.label, Value: v.text()})
		}
	}
	for _, m := range r.members {
		if !known[m.key] {
			fields = flatten(fields, m.key, m.val)
		}
	}
	return fields
}

// flatten adds a value's fields under path: objects member by member, headers as
// "Name: value" pairs, lists of text joined.
func flatten(fields []output.Field, path string, v *node) []output.Field {
	switch {
	case v.isObject && len(v.members) > 0:
		for _, m := range v.members {
			fields = flatten(fields, path+"."+m.key, m.val)
		}
		return fields
	case v.isArray && isHeaderList(v):
		var hs []string
		for _, h := range v.items {
			hs = append(hs, h.str("name")+": "+h.str("value"))
		}
		return append(fields, output.Field{Label: path, Value: strings.Join(hs, "; ")})
	case v.isArray && len(v.items) > 0 && len(v.strings()) == len(v.items):
		return append(fields, output.Field{Label: path, Value: strings.Join(v.strings(), ", ")})
	case v.isArray && len(v.items) > 0:
		for i, it := range v.items {
			fields = flatten(fields, fmt.Sprintf("%s[%d]", path, i), it)
		}
		return fields
	}
	return append(fields, output.Field{Label: path, Value: v.text()})
}

func isHeaderList(v *node) bool {
	if len(v.items) == 0 {
		return false
	}
	for _, it := range v.items {
		if !it.isObject || !it.has("name") || len(it.members) > 2 {
			return false
		}
	}
	return true
}

// millis shows an API timestamp (ms since the epoch) in ISO 8601.
func millis(v *node) string {
	n, ok := v.scalar.(json.Number)
	if !ok {
		return v.text()
	}
	f, err := n.Float64()
	if err != nil || math.IsInf(f, 0) {
		return v.text()
	}
	return output.Millis(int64(f))
}
