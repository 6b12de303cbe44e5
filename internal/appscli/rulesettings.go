package appscli

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
)

// Flags of a channel rule's settings that are not plain switches.
const (
	flagBatchingInterval   = "batching-interval"
	flagConflationInterval = "conflation-interval"
	flagConflationKey      = "conflation-key"
	// The batching interval the API accepts, in ms.
	minBatchingInterval = 20
	maxBatchingInterval = 1000
)

// ruleSwitch is a boolean setting of a channel rule: its flag and where it goes.
type ruleSwitch struct {
	flag  string
	usage string
	field func(*control.NamespaceFields) **bool
}

// ruleSwitches are the channel rule's boolean settings, in the order help lists them.
func ruleSwitches() []ruleSwitch {
	return []ruleSwitch{
		{"persisted", "store messages for 24 hours, for history", func(f *control.NamespaceFields) **bool { return &f.Persisted }},
		{"persist-last", "store the last message for 365 days, for rewind", func(f *control.NamespaceFields) **bool { return &f.PersistLast }},
		{"push-enabled", "let messages with a push payload trigger push notifications", func(f *control.NamespaceFields) **bool { return &f.PushEnabled }},
		{"authenticated", "allow only identified clients (with a client ID)", func(f *control.NamespaceFields) **bool { return &f.Authenticated }},
		{"tls-only", "allow only clients connected with TLS", func(f *control.NamespaceFields) **bool { return &f.TLSOnly }},
		{"batching-enabled", "batch inbound messages (see --" + flagBatchingInterval + ")", func(f *control.NamespaceFields) **bool { return &f.BatchingEnabled }},
		{"conflation-enabled", "conflate messages (see --" + flagConflationInterval + ", --" + flagConflationKey + ")", func(f *control.NamespaceFields) **bool { return &f.ConflationEnabled }},
		{"expose-timeserial", "give received messages a timeserial, for message interactions", func(f *control.NamespaceFields) **bool { return &f.ExposeTimeserial }},
		{"mutable-messages", "allow published messages to be updated and deleted", func(f *control.NamespaceFields) **bool { return &f.MutableMessages }},
		{"populate-channel-registry", "list the channels in the channel registry (channel enumeration)", func(f *control.NamespaceFields) **bool { return &f.PopulateChannelRegistry }},
	}
}

// ruleSettingFlags are the flags of every setting of a channel rule. Switches take =false
// to turn a setting off.
func ruleSettingFlags() []cli.Flag {
	var flags []cli.Flag
	for _, s := range ruleSwitches() {
		flags = append(flags, &cli.BoolFlag{Name: s.flag, Usage: s.usage})
	}
	return append(flags,
		&cli.StringFlag{Name: flagBatchingInterval, Usage: fmt.Sprintf("batching interval, `MS` from %d to %d (or a duration: 50ms, 1s)", minBatchingInterval, maxBatchingInterval)},
		&cli.StringFlag{Name: flagConflationInterval, Usage: "conflation interval, `MS` (or a duration: 100ms, 2s)"},
		&cli.StringFlag{Name: flagConflationKey, Usage: "conflation `KEY`: which messages are conflated together"},
	)
}

// ruleFieldsFromFlags turns the flags the user set into the fields to send.
func ruleFieldsFromFlags(c *cli.Context) (control.NamespaceFields, error) {
	var f control.NamespaceFields
	for _, s := range ruleSwitches() {
		*s.field(&f) = boolIfSet(c, s.flag)
	}
	var err error
	if f.BatchingInterval, err = millisIfSet(c, flagBatchingInterval, minBatchingInterval, maxBatchingInterval); err != nil {
		return f, err
	}
	if f.ConflationInterval, err = millisIfSet(c, flagConflationInterval, 1, 0); err != nil {
		return f, err
	}
	if c.IsSet(flagConflationKey) {
		key := c.String(flagConflationKey)
		f.ConflationKey = &key
	}
	return f, nil
}

// millisIfSet reads an interval flag in milliseconds: a whole number, or a Go duration that
// is a whole number of milliseconds. max 0 means no upper bound.
func millisIfSet(c *cli.Context, flag string, minMS, maxMS int) (*int, error) {
	if !c.IsSet(flag) {
		return nil, nil
	}
	ms, err := parseMillis(c.String(flag))
	want := fmt.Sprintf("a whole number of milliseconds of at least %d", minMS)
	if maxMS > 0 {
		want = fmt.Sprintf("a whole number of milliseconds from %d to %d", minMS, maxMS)
	}
	if err != nil || ms < minMS || maxMS > 0 && ms > maxMS {
		return nil, exitcode.Usagef("--%s %q: want %s (e.g. 100, or 100ms)", flag, c.String(flag), want)
	}
	return &ms, nil
}

func parseMillis(s string) (int, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if d%time.Millisecond != 0 || d > time.Duration(1<<31-1)*time.Millisecond {
		return 0, fmt.Errorf("%s is not a whole number of milliseconds", s)
	}
	return int(d / time.Millisecond), nil
}

// checkRuleName checks a channel rule's name (the namespace: "chat" for channels chat:*)
// before it is sent, where means where it came from ("--name", "the argument").
func checkRuleName(where, name string) error {
	switch {
	case name == "":
		return exitcode.Usagef("%s is empty: give the channel namespace, e.g. \"chat\" for the channels chat:*", where)
	case strings.Contains(name, ":"):
		return exitcode.Usagef("%s %q: a namespace holds no ':', it is the part of channel names before it (\"chat\" for chat:*)", where, name)
	case strings.HasPrefix(name, "["):
		return exitcode.Usagef("%s %q: a namespace cannot start with '[' (that starts a channel qualifier such as [?rewind=1])", where, name)
	case strings.ContainsFunc(name, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		return exitcode.Usagef("%s %q: a namespace holds no spaces or control characters", where, name)
	}
	return nil
}
