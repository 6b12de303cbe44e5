package integrationscli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// createBody builds a rule_post body: the type's shape with its defaults, and the target
// from flags or JSON, checked for what the API requires.
func (in ruleInput) createBody(c *cli.Context, t ruleType) (*node, error) {
	if err := in.checkApplicable(c, t, false); err != nil {
		return nil, err
	}
	if c.IsSet(flagStatus) && t.noStatusOnCreate {
		return nil, exitcode.Usagef("--%s: the API takes no status when creating %s rules; create the rule, then 'ably integrations update ID --status %s'",
			flagStatus, t.name, c.String(flagStatus))
	}
	body := object().set("ruleType", value(t.name))
	if c.IsSet(flagStatus) {
		body.set("status", value(c.String(flagStatus)))
	}
	if t.shape == channelRule {
		body.set("requestMode", value(stringOr(c, flagRequestMode, "single")))
	}
	if t.shape == channelRule || t.takesSource() && flagsSet(c, sourceFlags...) != nil {
		body.set("source", object().
			set("channelFilter", value(c.String(flagChannelFilter))).
			set("type", value(stringOr(c, flagSourceType, sourceTypes[0]))))
	}
	if mode := t.invocationMode(); mode != "" {
		body.set("invocationMode", value(mode))
	}
	if c.IsSet(flagChatRoomFilter) {
		body.set("chatRoomFilter", value(c.String(flagChatRoomFilter)))
	}
	if t.shape == beforePublishRule {
		body.set("beforePublishConfig", object().
			set("retryTimeout", value(c.Int(flagRetryTimeout))). // the flags' values default
			set("maxRetries", value(c.Int(flagMaxRetries))).
			set("failedAction", value(upperAction(c, flagFailedAction))).
			set("tooManyRequestsAction", value(upperAction(c, flagTooManyAction))))
	}
	target := in.target
	if target == nil {
		if len(t.fields) == 0 && t.auth == noAuth {
			return nil, exitcode.Usagef("%s rules take their target as JSON: give it with --%s '{...}' or --%s FILE (fields: %s)",
				t.name, flagTargetJSON, flagTargetFile, strings.Join(t.required, ", "))
		}
		var err error
		if target, err = targetFromFlags(c, t, true); err != nil {
			return nil, err
		}
	}
	if missing := missingFields(target, t.required); len(missing) > 0 {
		return nil, in.missingError(t, "", missing)
	}
	return body.set("target", target), nil
}

// patchBody builds a rule_patch body holding only what the user set, plus ruleType (which
// the API requires in every update) and whatever the type's rule_patch requires whole.
func (in ruleInput) patchBody(c *cli.Context, t ruleType, unmodelled bool) (*node, error) {
	if in.body != nil {
		if got := in.body.str("ruleType"); in.body.has("ruleType") && got != t.name {
			return nil, exitcode.Usagef("--%s has ruleType %q but the rule is %s: a rule's type cannot change", flagBodyFile, got, t.name)
		}
		if !in.body.has("ruleType") {
			in.body.members = append([]member{{key: "ruleType", val: value(t.name)}}, in.body.members...)
		}
		return in.body, nil
	}
	if err := in.checkApplicable(c, t, unmodelled); err != nil {
		return nil, err
	}
	patch := object().set("ruleType", value(t.name))
	if c.IsSet(flagStatus) {
		patch.set("status", value(c.String(flagStatus)))
	}
	if c.IsSet(flagRequestMode) {
		patch.set("requestMode", value(c.String(flagRequestMode)))
	}
	if set := flagsSet(c, sourceFlags...); len(set) > 0 {
		source := object()
		if c.IsSet(flagChannelFilter) {
			source.set("channelFilter", value(c.String(flagChannelFilter)))
		}
		if c.IsSet(flagSourceType) {
			source.set("type", value(c.String(flagSourceType)))
		}
		patch.set("source", source)
	}
	if slices.Contains(t.patchNeeds, "invocationMode") {
		patch.set("invocationMode", value(t.invocationMode()))
	}
	if c.IsSet(flagChatRoomFilter) {
		patch.set("chatRoomFilter", value(c.String(flagChatRoomFilter)))
	}
	set := flagsSet(c, bpcFlagNames...)
	if len(set) > 0 || slices.Contains(t.patchNeeds, "beforePublishConfig") {
		if missing := without(bpcFlagNames, set); len(missing) > 0 {
			why := "they go together"
			if len(set) == 0 {
				why = "the API requires them in every update of " + t.name + " rules"
			}
			return nil, exitcode.Usagef("updating the before-publish settings needs %s too: %s (beforePublishConfig is replaced whole)", dashed(missing), why)
		}
		patch.set("beforePublishConfig", object().
			set("retryTimeout", value(c.Int(flagRetryTimeout))).
			set("maxRetries", value(c.Int(flagMaxRetries))).
			set("failedAction", value(upperAction(c, flagFailedAction))).
			set("tooManyRequestsAction", value(upperAction(c, flagTooManyAction))))
	}
	target := in.target
	if target == nil && len(in.targetSet) > 0 {
		var err error
		if target, err = targetFromFlags(c, t, false); err != nil {
			return nil, err
		}
	}
	switch {
	case target.empty() && slices.Contains(t.patchNeeds, "target"):
		return nil, exitcode.Usagef("updating %s rules needs the whole target too (the API requires it in every update): give it with --%s or --%s",
			t.name, flagTargetJSON, flagTargetFile)
	case !target.empty():
		if missing := missingFields(target, t.patchRequired); len(missing) > 0 {
			return nil, in.missingError(t, "changing the target of", missing)
		}
		patch.set("target", target)
	}
	if len(patch.members) == 1 {
		return nil, exitcode.Usagef("nothing to update: give what to change, e.g. --%s disabled, target flags, or --%s (see 'ably integrations update --help')",
			flagStatus, flagTargetJSON)
	}
	return patch, nil
}

// targetFromFlags builds a target from the flags given; on create, fields the API requires
// get their defaults (format json, mandatoryRoute false, an empty Kafka auth).
func targetFromFlags(c *cli.Context, t ruleType, create bool) (*node, error) {
	target := object()
	for _, f := range t.fields {
		if !c.IsSet(f.flag) {
			if create && f.def != nil {
				target.set(f.field, value(f.def))
			}
			continue
		}
		switch f.kind {
		case boolField:
			target.set(f.field, value(c.Bool(f.flag)))
		case intField:
			target.set(f.field, value(c.Int(f.flag)))
		case listField:
			target.set(f.field, stringList(c.StringSlice(f.flag)))
		case headersField:
			headers := &node{isArray: true}
			for _, h := range c.StringSlice(f.flag) {
				name, v, _ := parseHeader(h) // checked by checkValues
				headers.items = append(headers.items, object().set("name", value(name)).set("value", value(v)))
			}
			target.set(f.field, headers)
		default:
			target.set(f.field, value(c.String(f.flag)))
		}
	}
	var auth *node
	var err error
	switch t.auth {
	case awsAuth:
		auth, err = awsAuthentication(c)
	case kafkaAuth:
		auth, err = kafkaAuthentication(c)
		if auth == nil && create {
			auth = object() // no SASL
		}
	case pulsarAuth:
		if c.IsSet(flagPulsarToken) {
			auth = object().set("authenticationMode", value("token")).set("token", value(c.String(flagPulsarToken)))
		}
	}
	if err != nil {
		return nil, err
	}
	if auth != nil {
		name := "authentication"
		if t.auth == kafkaAuth {
			name = "auth"
		}
		target.set(name, auth)
	}
	return target, nil
}

func awsAuthentication(c *cli.Context) (*node, error) {
	keyID, secret, role := c.IsSet(flagAWSKeyID), c.IsSet(flagAWSSecret), c.IsSet(flagAWSRoleARN)
	switch {
	case role && (keyID || secret):
		return nil, exitcode.Usagef("give AWS access keys (--%s with --%s) or --%s, not both", flagAWSKeyID, flagAWSSecret, flagAWSRoleARN)
	case role:
		return object().set("authenticationMode", value("assumeRole")).set("assumeRoleArn", value(c.String(flagAWSRoleARN))), nil
	case keyID && secret:
		return object().set("authenticationMode", value("credentials")).
			set("accessKeyId", value(c.String(flagAWSKeyID))).
			set("secretAccessKey", value(c.String(flagAWSSecret))), nil
	case keyID:
		return nil, exitcode.Usagef("--%s needs --%s too", flagAWSKeyID, flagAWSSecret)
	case secret:
		return nil, exitcode.Usagef("--%s needs --%s too", flagAWSSecret, flagAWSKeyID)
	}
	return nil, nil
}

func kafkaAuthentication(c *cli.Context) (*node, error) {
	set := flagsSet(c, flagAuthMechanism, flagUsername, flagPassword)
	if len(set) == 0 {
		return nil, nil
	}
	if missing := without([]string{flagAuthMechanism, flagUsername, flagPassword}, set); len(missing) > 0 {
		return nil, exitcode.Usagef("Kafka SASL authentication needs %s too (or none of --%s, --%s, --%s for no authentication)",
			dashed(missing), flagAuthMechanism, flagUsername, flagPassword)
	}
	return object().set("sasl", object().
		set("mechanism", value(c.String(flagAuthMechanism))).
		set("username", value(c.String(flagUsername))).
		set("password", value(c.String(flagPassword)))), nil
}

// missingError names what the target lacks: flags when it was built from flags, JSON
// fields when it was given as JSON.
func (in ruleInput) missingError(t ruleType, doing string, missing []string) error {
	var names []string
	for _, field := range missing {
		names = append(names, in.describeField(t, field))
	}
	what := fmt.Sprintf("%s rules need", t.name)
	if doing != "" {
		what = fmt.Sprintf("%s %s rules needs", doing, t.name)
	}
	if in.target != nil {
		return exitcode.Usagef("%s the target field%s %s in --%s", what, plural(len(missing)), strings.Join(missing, ", "), in.targetFrom)
	}
	return exitcode.Usagef("%s %s", what, strings.Join(names, ", "))
}

func (in ruleInput) describeField(t ruleType, field string) string {
	for _, f := range t.fields {
		if f.field == field {
			return "--" + f.flag
		}
	}
	if field != "authentication" && field != "auth" {
		return field
	}
	switch t.auth {
	case awsAuth:
		return fmt.Sprintf("authentication (--%s with --%s, or --%s)", flagAWSKeyID, flagAWSSecret, flagAWSRoleARN)
	case pulsarAuth:
		return "authentication (--" + flagPulsarToken + ")"
	case kafkaAuth:
		return fmt.Sprintf("authentication (--%s, --%s, --%s)", flagAuthMechanism, flagUsername, flagPassword)
	}
	return field
}

// missingFields lists the fields an object lacks.
func missingFields(obj *node, fields []string) []string {
	var missing []string
	for _, f := range fields {
		if !obj.has(f) {
			missing = append(missing, f)
		}
	}
	return missing
}

func without(all, some []string) []string {
	var out []string
	for _, a := range all {
		if !slices.Contains(some, a) {
			out = append(out, a)
		}
	}
	return out
}

func stringOr(c *cli.Context, flag, def string) string {
	if c.IsSet(flag) {
		return c.String(flag)
	}
	return def
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
