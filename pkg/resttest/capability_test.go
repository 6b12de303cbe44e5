package resttest

import "testing"

func TestCapabilityAllows(t *testing.T) {
	cases := []struct {
		capability map[string][]string
		channel    string
		op         string
		want       bool
	}{
		{map[string][]string{"*": {"*"}}, "a", "publish", true},
		{map[string][]string{"*": {"*"}}, "a:b:c", "history", true},
		{map[string][]string{"*": {"*"}}, "[meta]log", "subscribe", false},
		{map[string][]string{"*": {"subscribe"}}, "a", "publish", false},
		{map[string][]string{"*": {"subscribe", "publish"}}, "a", "publish", true},
		{map[string][]string{"a": {"publish"}}, "a", "publish", true},
		{map[string][]string{"a": {"publish"}}, "ab", "publish", false},
		{map[string][]string{"a": {"publish"}}, "a:b", "publish", false},
		{map[string][]string{"chat:*": {"*"}}, "chat:a", "publish", true},
		{map[string][]string{"chat:*": {"*"}}, "chat:a:b", "publish", true},
		{map[string][]string{"chat:*": {"*"}}, "chat", "publish", false},
		{map[string][]string{"chat:*": {"*"}}, "chat:", "publish", false},
		{map[string][]string{"chat:*": {"*"}}, "chatter:a", "publish", false},
		{map[string][]string{"a:b:*": {"history"}}, "a:b:c", "history", true},
		{map[string][]string{"a:b:*": {"history"}}, "a:c", "history", false},
		{map[string][]string{"a:b:c": {"history"}}, "a:b:c", "history", true},
		{map[string][]string{"a:*": {"history"}}, "a:b:c", "history", true},
		{map[string][]string{"[meta]*": {"subscribe"}}, "[meta]log", "subscribe", true},
		{map[string][]string{"[meta]*": {"subscribe"}}, "[meta]connection.lifecycle", "subscribe", true},
		{map[string][]string{"[meta]*": {"subscribe"}}, "log", "subscribe", false},
		{map[string][]string{"[meta]log": {"history"}}, "[meta]log", "history", true},
		{map[string][]string{"[meta]log": {"history"}}, "[meta]log:push", "history", false},
		{map[string][]string{"[meta]log:*": {"history"}}, "[meta]log:push", "history", true},
		{map[string][]string{"[meta]log": {"history"}}, "log", "history", false},
		{map[string][]string{"[*]*": {"*"}}, "[meta]log", "history", true},
		{map[string][]string{"[*]*": {"*"}}, "plain", "publish", true},
		{map[string][]string{"[*]*": {"*"}}, "a:b:c", "publish", true},
		{map[string][]string{"[*]chat:*": {"*"}}, "[meta]chat:x", "publish", true},
		{map[string][]string{"[*]chat:*": {"*"}}, "other", "publish", false},
		{map[string][]string{"[other]*": {"*"}}, "[meta]log", "publish", false},
		{map[string][]string{}, "a", "publish", false},
		{map[string][]string{"x": {"publish"}, "y": {"history"}}, "y", "history", true},
		{map[string][]string{"x": {"publish"}, "y": {"history"}}, "y", "publish", false},
	}
	for _, c := range cases {
		if got := capabilityAllows(c.capability, c.channel, c.op); got != c.want {
			t.Errorf("capabilityAllows(%v, %q, %q) = %v, want %v", c.capability, c.channel, c.op, got, c.want)
		}
	}
}

func TestParseCapability(t *testing.T) {
	for _, bad := range []string{``, `{}`, `[]`, `{"a":"publish"}`, `{"a":[]}`, `{"a":[1]}`} {
		if _, err := parseCapability(bad); err == nil {
			t.Errorf("parseCapability(%q) passed, want an error", bad)
		}
	}
	c, err := parseCapability(`{"a:*":["publish","history"]}`)
	if err != nil || len(c["a:*"]) != 2 {
		t.Fatalf("parseCapability: %v %v", c, err)
	}
}

// A token's capability must be within its key's, by the same matching rules.
func TestCovers(t *testing.T) {
	cases := []struct {
		key      map[string][]string
		resource string
		op       string
		want     bool
	}{
		{nil, "chat", "publish", true},
		{nil, "chat:*", "publish", true},
		{nil, "*", "publish", true},
		{nil, "[meta]*", "subscribe", false},
		{nil, "[*]*", "subscribe", false},
		{map[string][]string{"[*]*": {"*"}}, "[meta]log", "history", true},
		{map[string][]string{"[*]*": {"*"}}, "[*]*", "history", true},
		{map[string][]string{"chat:*": {"publish"}}, "chat:*", "publish", true},
		{map[string][]string{"chat:*": {"publish"}}, "chat:a:b", "publish", true},
		{map[string][]string{"chat:*": {"publish"}}, "chat", "publish", false},
		{map[string][]string{"chat:*": {"publish"}}, "*", "publish", false},
		{map[string][]string{"chat:*": {"publish"}}, "chat:a", "subscribe", false},
	}
	for _, c := range cases {
		if got := covers(c.key, c.resource, c.op); got != c.want {
			t.Errorf("covers(%v, %q, %q) = %v, want %v", c.key, c.resource, c.op, got, c.want)
		}
	}
}
