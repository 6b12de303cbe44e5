package integrationscli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
)

// ruleInput is what the user gave create or update, checked as far as it can be without
// knowing the rule's type: flag values, which way the target came, and the JSON read.
type ruleInput struct {
	body       *node  // --body-file: the whole request body
	target     *node  // --target-json or --target-file
	targetFrom string // the flag the target came from
	targetSet  []string
}

var (
	authFlagNames = []string{flagAWSKeyID, flagAWSSecret, flagAWSRoleARN, flagAuthMechanism, flagUsername, flagPassword, flagPulsarToken}
	bpcFlagNames  = []string{flagRetryTimeout, flagMaxRetries, flagFailedAction, flagTooManyAction}
	sourceFlags   = []string{flagSourceType, flagChannelFilter}
)

// flagsSet lists which of names the user gave.
func flagsSet(c *cli.Context, names ...string) []string {
	var set []string
	for _, n := range names {
		if c.IsSet(n) {
			set = append(set, n)
		}
	}
	return set
}

func dashed(flags []string) string {
	out := make([]string, len(flags))
	for i, f := range flags {
		out[i] = "--" + f
	}
	return strings.Join(out, ", ")
}

// readInput checks everything that does not depend on the rule's type, and reads the
// JSON the user gave, so that no request is sent for a command that cannot succeed.
func readInput(c *cli.Context, env plugin.Env) (ruleInput, error) {
	var in ruleInput
	in.targetSet = flagsSet(c, append(slices.Clone(targetFlagOrder), authFlagNames...)...)
	if c.IsSet(flagBodyFile) {
		inBody := []string{flagType, flagStatus, flagSourceType, flagChannelFilter, flagRequestMode, flagTargetJSON, flagTargetFile, flagChatRoomFilter}
		others := append(flagsSet(c, append(inBody, bpcFlagNames...)...), in.targetSet...)
		if c.Command.Name == "update" {
			others = without(others, []string{flagType}) // names the type only to save reading it
		}
		if len(others) > 0 {
			return in, exitcode.Usagef("--%s is the whole request body: put %s in the file instead", flagBodyFile, dashed(others))
		}
		data, err := readSource(env, flagBodyFile, c.String(flagBodyFile))
		if err != nil {
			return in, err
		}
		in.body, err = parseObject("--"+flagBodyFile+" "+c.String(flagBodyFile), data)
		return in, err
	}
	switch explicit := flagsSet(c, flagTargetJSON, flagTargetFile); {
	case len(explicit) == 2:
		return in, exitcode.Usagef("give the target once: --%s or --%s, not both", flagTargetJSON, flagTargetFile)
	case len(explicit) == 1 && len(in.targetSet) > 0:
		return in, exitcode.Usagef("--%s is the whole target: put %s in it instead", explicit[0], dashed(in.targetSet))
	case len(explicit) == 1 && explicit[0] == flagTargetJSON:
		var err error
		in.targetFrom = flagTargetJSON
		if in.target, err = parseObject("--"+flagTargetJSON, []byte(c.String(flagTargetJSON))); err != nil {
			return in, err
		}
	case len(explicit) == 1:
		in.targetFrom = flagTargetFile
		data, err := readSource(env, flagTargetFile, c.String(flagTargetFile))
		if err != nil {
			return in, err
		}
		if in.target, err = parseObject("--"+flagTargetFile+" "+c.String(flagTargetFile), data); err != nil {
			return in, err
		}
	}
	return in, checkValues(c)
}

// checkValues checks the values of the flags given, whatever the rule's type.
func checkValues(c *cli.Context) error {
	choices := []struct {
		flag    string
		allowed []string
	}{
		{flagStatus, statuses}, {flagSourceType, sourceTypes}, {flagRequestMode, requestModes},
		{"format", formats}, {flagAuthMechanism, kafkaMechanisms},
		{flagFailedAction, failedActions}, {flagTooManyAction, tooManyActions},
	}
	for _, ch := range choices {
		if c.IsSet(ch.flag) {
			if err := checkOneOf(ch.flag, upperAction(c, ch.flag), ch.allowed); err != nil {
				return err
			}
		}
	}
	if c.IsSet(flagChannelFilter) && c.String(flagChannelFilter) != "" {
		if err := checkJSRegexp(flagChannelFilter, c.String(flagChannelFilter)); err != nil {
			return err
		}
	}
	if c.IsSet(flagChatRoomFilter) {
		if err := checkChatRoomFilter(c.String(flagChatRoomFilter)); err != nil {
			return err
		}
	}
	ranges := []struct {
		flag     string
		min, max int
		unit     string
	}{{flagRetryTimeout, 0, 10000, " ms"}, {flagMaxRetries, 0, 10, ""}}
	for _, r := range ranges {
		if v := c.Int(r.flag); c.IsSet(r.flag) && (v < r.min || v > r.max) {
			return exitcode.Usagef("--%s %d: want %d to %d%s", r.flag, v, r.min, r.max, r.unit)
		}
	}
	if c.IsSet("message-ttl") && c.Int("message-ttl") <= 0 {
		return exitcode.Usagef("--message-ttl %d: want a number of minutes above 0 (leave it out for the queue's TTL)", c.Int("message-ttl"))
	}
	for _, h := range c.StringSlice("header") {
		if _, _, err := parseHeader(h); err != nil {
			return err
		}
	}
	for _, b := range c.StringSlice("brokers") {
		if strings.TrimSpace(b) == "" {
			return exitcode.Usagef("--brokers has an empty entry: want HOST:PORT[,HOST:PORT...]")
		}
	}
	// A text flag given empty is a mistake (an unset shell variable, say), not a value.
	for _, name := range append(append(slices.Clone(targetFlagOrder), authFlagNames...), flagType, flagFailedAction, flagTooManyAction) {
		if f, ok := flagByName(c, name).(*cli.StringFlag); ok && c.IsSet(name) && strings.TrimSpace(c.String(f.Name)) == "" {
			return exitcode.Usagef("--%s is empty: give a value, or leave the flag out", name)
		}
	}
	return nil
}

func flagByName(c *cli.Context, name string) cli.Flag {
	for _, f := range c.Command.Flags {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}

// parseHeader reads "Name: value".
func parseHeader(h string) (name, value string, err error) {
	name, value, ok := strings.Cut(h, ":")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return "", "", exitcode.Usagef("--header %q: want \"NAME: VALUE\", e.g. --header \"Authorization: Bearer ...\"", h)
	}
	return name, value, nil
}

// checkApplicable refuses flags that mean nothing for rules of type t.
func (in ruleInput) checkApplicable(c *cli.Context, t ruleType, unmodelled bool) error {
	for _, flag := range in.targetSet {
		if unmodelled {
			return exitcode.Usagef("--%s: this suite does not know the target fields of %s rules; give the target with --%s or --%s", flag, t.name, flagTargetJSON, flagTargetFile)
		}
		if _, ok := t.flagField(flag); ok || authApplies(flag, t.auth) {
			continue
		}
		users := typesWithFlag(flag)
		for _, kind := range []authKind{awsAuth, kafkaAuth, pulsarAuth} {
			if authApplies(flag, kind) {
				users = typesWithAuth(kind)
			}
		}
		hint := "it sets the target of " + strings.Join(users, ", ") + " rules"
		if len(t.fields) == 0 && t.auth == noAuth {
			hint = fmt.Sprintf("give the target of %s rules with --%s or --%s", t.name, flagTargetJSON, flagTargetFile)
		}
		return exitcode.Usagef("--%s does not apply to %s rules: %s", flag, t.name, hint)
	}
	notFor := func(flags []string, ok bool, what string) error {
		if set := flagsSet(c, flags...); len(set) > 0 && !ok {
			return exitcode.Usagef("%s does not apply to %s rules: %s", dashed(set), t.name, what)
		}
		return nil
	}
	if err := notFor(sourceFlags, t.takesSource(), "they have no channel source"); err != nil {
		return err
	}
	if err := notFor([]string{flagRequestMode}, t.shape == channelRule, "they have no request mode"); err != nil {
		return err
	}
	if err := notFor([]string{flagChatRoomFilter}, t.takesChatRoomFilter(), "only before- and after-publish rules ("+
		strings.Join(typesWithShape(beforePublishRule, afterPublishRule), ", ")+") have one"); err != nil {
		return err
	}
	return notFor(bpcFlagNames, t.shape == beforePublishRule, "only before-publish rules ("+
		strings.Join(typesWithShape(beforePublishRule), ", ")+") have them")
}

func authApplies(flag string, kind authKind) bool {
	switch kind {
	case awsAuth:
		return flag == flagAWSKeyID || flag == flagAWSSecret || flag == flagAWSRoleARN
	case kafkaAuth:
		return flag == flagAuthMechanism || flag == flagUsername || flag == flagPassword
	case pulsarAuth:
		return flag == flagPulsarToken
	}
	return false
}

// upperAction is a flag's value, upper-cased for the before-publish actions (the API's
// values are REJECT, PUBLISH, RETRY, FAIL; "reject" means the same).
func upperAction(c *cli.Context, flag string) string {
	if flag == flagFailedAction || flag == flagTooManyAction {
		return strings.ToUpper(c.String(flag))
	}
	return c.String(flag)
}
