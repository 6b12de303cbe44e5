package integrationscli

import (
	"fmt"
	"slices"
	"strings"

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
func flagsSet(v flagValues, names ...string) []string {
	var set []string
	for _, n := range names {
		if v.IsSet(n) {
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
// JSON the user gave (standard input from env), so that no request is sent for a command
// that cannot succeed. create tells create's flags from update's.
func readInput(env plugin.Env, v flagValues, create bool) (ruleInput, error) {
	var in ruleInput
	in.targetSet = flagsSet(v, append(slices.Clone(targetFlagOrder), authFlagNames...)...)
	if v.IsSet(flagBodyFile) {
		inBody := []string{flagType, flagStatus, flagSourceType, flagChannelFilter, flagRequestMode, flagTargetJSON, flagTargetFile, flagChatRoomFilter}
		others := append(flagsSet(v, append(inBody, bpcFlagNames...)...), in.targetSet...)
		if !create {
			others = without(others, []string{flagType}) // names the type only to save reading it
		}
		if len(others) > 0 {
			return in, exitcode.Usagef("--%s is the whole request body: put %s in the file instead", flagBodyFile, dashed(others))
		}
		data, err := readSource(env, flagBodyFile, v.String(flagBodyFile))
		if err != nil {
			return in, err
		}
		in.body, err = parseObject("--"+flagBodyFile+" "+v.String(flagBodyFile), data)
		return in, err
	}
	switch explicit := flagsSet(v, flagTargetJSON, flagTargetFile); {
	case len(explicit) == 2:
		return in, exitcode.Usagef("give the target once: --%s or --%s, not both", flagTargetJSON, flagTargetFile)
	case len(explicit) == 1 && len(in.targetSet) > 0:
		return in, exitcode.Usagef("--%s is the whole target: put %s in it instead", explicit[0], dashed(in.targetSet))
	case len(explicit) == 1 && explicit[0] == flagTargetJSON:
		var err error
		in.targetFrom = flagTargetJSON
		if in.target, err = parseObject("--"+flagTargetJSON, []byte(v.String(flagTargetJSON))); err != nil {
			return in, err
		}
	case len(explicit) == 1:
		in.targetFrom = flagTargetFile
		data, err := readSource(env, flagTargetFile, v.String(flagTargetFile))
		if err != nil {
			return in, err
		}
		if in.target, err = parseObject("--"+flagTargetFile+" "+v.String(flagTargetFile), data); err != nil {
			return in, err
		}
	}
	return in, checkValues(v)
}

// checkValues checks the values of the flags given, whatever the rule's type.
func checkValues(v flagValues) error {
	choices := []struct {
		flag    string
		allowed []string
	}{
		{flagStatus, statuses}, {flagSourceType, sourceTypes}, {flagRequestMode, requestModes},
		{"format", formats}, {flagAuthMechanism, kafkaMechanisms},
		{flagFailedAction, failedActions}, {flagTooManyAction, tooManyActions},
	}
	for _, ch := range choices {
		if v.IsSet(ch.flag) {
			if err := checkOneOf(ch.flag, upperAction(v, ch.flag), ch.allowed); err != nil {
				return err
			}
		}
	}
	if v.IsSet(flagChannelFilter) && v.String(flagChannelFilter) != "" {
		if err := checkJSRegexp(flagChannelFilter, v.String(flagChannelFilter)); err != nil {
			return err
		}
	}
	if v.IsSet(flagChatRoomFilter) {
		if err := checkChatRoomFilter(v.String(flagChatRoomFilter)); err != nil {
			return err
		}
	}
	ranges := []struct {
		flag     string
		min, max int
		unit     string
	}{{flagRetryTimeout, 0, 10000, " ms"}, {flagMaxRetries, 0, 10, ""}}
	for _, r := range ranges {
		if n := v.Int(r.flag); v.IsSet(r.flag) && (n < r.min || n > r.max) {
			return exitcode.Usagef("--%s %d: want %d to %d%s", r.flag, n, r.min, r.max, r.unit)
		}
	}
	if v.IsSet("message-ttl") && v.Int("message-ttl") <= 0 {
		return exitcode.Usagef("--message-ttl %d: want a number of minutes above 0 (leave it out for the queue's TTL)", v.Int("message-ttl"))
	}
	for _, h := range v.StringSlice("header") {
		if _, _, err := parseHeader(h); err != nil {
			return err
		}
	}
	for _, b := range v.StringSlice("brokers") {
		if strings.TrimSpace(b) == "" {
			return exitcode.Usagef("--brokers has an empty entry: want HOST:PORT[,HOST:PORT...]")
		}
	}
	// A text flag given empty is a mistake (an unset shell variable, say), not a value.
	for _, name := range append(append(slices.Clone(targetFlagOrder), authFlagNames...), flagType, flagFailedAction, flagTooManyAction) {
		if v.isText(name) && v.IsSet(name) && strings.TrimSpace(v.String(name)) == "" {
			return exitcode.Usagef("--%s is empty: give a value, or leave the flag out", name)
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
func (in ruleInput) checkApplicable(v flagValues, t ruleType, unmodelled bool) error {
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
		if set := flagsSet(v, flags...); len(set) > 0 && !ok {
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
func upperAction(v flagValues, flag string) string {
	if flag == flagFailedAction || flag == flagTooManyAction {
		return strings.ToUpper(v.String(flag))
	}
	return v.String(flag)
}
