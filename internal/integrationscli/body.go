package integrationscli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// createBody builds a rule_post body: the type's shape with its defaults, and the target
// from flags or JSON, checked for what the API requires.
func (in ruleInput) createBody(v flagValues, t ruleType) (*node, error) {
	if err := in.checkApplicable(v, t, false); err != nil {
		return nil, err
	}
	if v.IsSet(flagStatus) && t.noStatusOnCreate {
		return nil, exitcode.Usagef("--%s: the API takes no status when creating %s rules; create the rule, then 'ably integrations update ID --status %s'",
			flagStatus, t.name, v.String(flagStatus))
	}
	body := object().set("ruleType", value(t.name))
	if v.IsSet(flagStatus) {
		body.set("status", value(v.String(flagStatus)))
	}
	if t.shape == channelRule {
		body.set("requestMode", value(stringOr(v, flagRequestMode, "single")))
	}
	if t.shape == channelRule || t.takesSource() && flagsSet(v, sourceFlags...) != nil {
		body.set("source", object().
			set("channelFilter", value(v.String(flagChannelFilter))).
			set("type", value(stringOr(v, flagSourceType, sourceTypes[0]))))
	}
	if mode := t.invocationMode(); mode != "" {
		body.set("invocationMode", value(mode))
	}
	if v.IsSet(flagChatRoomFilter) {
		body.set("chatRoomFilter", value(v.String(flagChatRoomFilter)))
	}
	if t.shape == beforePublishRule {
		body.set("beforePublishConfig", object().
			set("retryTimeout", value(v.Int(flagRetryTimeout))). // the flags' values default
			set("maxRetries", value(v.Int(flagMaxRetries))).
			set("failedAction", value(upperAction(v, flagFailedAction))).
			set("tooManyRequestsAction", value(upperAction(v, flagTooManyAction))))
	}
	target := in.target
	if target == nil {
		if len(t.fields) == 0 && t.auth == noAuth {
			return nil, exitcode.Usagef("%s rules take their target as JSON: give it with --%s '{...}' or --%s FILE (fields: %s)",
				t.name, flagTargetJSON, flagTargetFile, strings.Join(t.required, ", "))
		}
		var err error
		if target, err = targetFromFlags(v, t, true); err != nil {
			return nil, err
		}
	}
	if missing := missingFields(target, t.required); len(missing) > 0 {
		return nil, in.missingError(t, "", missing)
	}
	if err := checkTargetValues(t, target); err != nil {
		return nil, err
	}
	return body.set("target", target), nil
}

// patchBody builds a rule_patch body holding only what the user set, plus ruleType (which
// the API requires in every update) and whatever the type's rule_patch requires whole.
func (in ruleInput) patchBody(v flagValues, t ruleType, unmodelled bool) (*node, error) {
	if in.body != nil {
		if got := in.body.str("ruleType"); in.body.has("ruleType") && got != t.name {
			return nil, exitcode.Usagef("--%s has ruleType %q but the rule is %s: a rule's type cannot change", flagBodyFile, got, t.name)
		}
		if !in.body.has("ruleType") {
			in.body.members = append([]member{{key: "ruleType", val: value(t.name)}}, in.body.members...)
		}
		return in.body, checkTargetValues(t, in.body.get("target"))
	}
	if err := in.checkApplicable(v, t, unmodelled); err != nil {
		return nil, err
	}
	patch := object().set("ruleType", value(t.name))
	if v.IsSet(flagStatus) {
		patch.set("status", value(v.String(flagStatus)))
	}
	if v.IsSet(flagRequestMode) {
		patch.set("requestMode", value(v.String(flagRequestMode)))
	}
	if set := flagsSet(v, sourceFlags...); len(set) > 0 {
		source := object()
		if v.IsSet(flagChannelFilter) {
			source.set("channelFilter", value(v.String(flagChannelFilter)))
		}
		if v.IsSet(flagSourceType) {
			source.set("type", value(v.String(flagSourceType)))
		}
		patch.set("source", source)
	}
	if slices.Contains(t.patchNeeds, "invocationMode") {
		patch.set("invocationMode", value(t.invocationMode()))
	}
	if v.IsSet(flagChatRoomFilter) {
		patch.set("chatRoomFilter", value(v.String(flagChatRoomFilter)))
	}
	set := flagsSet(v, bpcFlagNames...)
	if len(set) > 0 || slices.Contains(t.patchNeeds, "beforePublishConfig") {
		if missing := without(bpcFlagNames, set); len(missing) > 0 {
			why := "they go together"
			if len(set) == 0 {
				why = "the API requires them in every update of " + t.name + " rules"
			}
			return nil, exitcode.Usagef("updating the before-publish settings needs %s too: %s (beforePublishConfig is replaced whole)", dashed(missing), why)
		}
		patch.set("beforePublishConfig", object().
			set("retryTimeout", value(v.Int(flagRetryTimeout))).
			set("maxRetries", value(v.Int(flagMaxRetries))).
			set("failedAction", value(upperAction(v, flagFailedAction))).
			set("tooManyRequestsAction", value(upperAction(v, flagTooManyAction))))
	}
	target := in.target
	if target == nil && len(in.targetSet) > 0 {
		var err error
		if target, err = targetFromFlags(v, t, false); err != nil {
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
		if err := checkTargetValues(t, target); err != nil {
			return nil, err
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
func targetFromFlags(v flagValues, t ruleType, create bool) (*node, error) {
	target := object()
	for _, f := range t.fields {
		if !v.IsSet(f.flag) {
			if create && f.def != nil {
				target.set(f.field, value(f.def))
			}
			continue
		}
		switch f.kind {
		case boolField:
			target.set(f.field, value(v.Bool(f.flag)))
		case intField:
			target.set(f.field, value(v.Int(f.flag)))
		case listField:
			target.set(f.field, stringList(v.StringSlice(f.flag)))
		case headersField:
			headers := &node{isArray: true}
			for _, h := range v.StringSlice(f.flag) {
				name, v, _ := parseHeader(h) // checked by checkValues
				headers.items = append(headers.items, object().set("name", value(name)).set("value", value(v)))
			}
			target.set(f.field, headers)
		default:
			target.set(f.field, value(v.String(f.flag)))
		}
	}
	var auth *node
	var err error
	switch t.auth {
	case awsAuth:
		auth, err = awsAuthentication(v)
	case kafkaAuth:
		auth, err = kafkaAuthentication(v)
		if auth == nil && create {
			auth = object() // no SASL
		}
	case pulsarAuth:
		if v.IsSet(flagPulsarToken) {
			auth = object().set("authenticationMode", value("token")).set("token", value(v.String(flagPulsarToken)))
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

func awsAuthentication(v flagValues) (*node, error) {
	keyID, secret, role := v.IsSet(flagAWSKeyID), v.IsSet(flagAWSSecret), v.IsSet(flagAWSRoleARN)
	switch {
	case role && (keyID || secret):
		return nil, exitcode.Usagef("give AWS access keys (--%s with --%s) or --%s, not both", flagAWSKeyID, flagAWSSecret, flagAWSRoleARN)
	case role:
		return object().set("authenticationMode", value("assumeRole")).set("assumeRoleArn", value(v.String(flagAWSRoleARN))), nil
	case keyID && secret:
		return object().set("authenticationMode", value("credentials")).
			set("accessKeyId", value(v.String(flagAWSKeyID))).
			set("secretAccessKey", value(v.String(flagAWSSecret))), nil
	case keyID:
		return nil, exitcode.Usagef("--%s needs --%s too", flagAWSKeyID, flagAWSSecret)
	case secret:
		return nil, exitcode.Usagef("--%s needs --%s too", flagAWSSecret, flagAWSKeyID)
	}
	return nil, nil
}

func kafkaAuthentication(v flagValues) (*node, error) {
	set := flagsSet(v, flagAuthMechanism, flagUsername, flagPassword)
	if len(set) == 0 {
		return nil, nil
	}
	if missing := without([]string{flagAuthMechanism, flagUsername, flagPassword}, set); len(missing) > 0 {
		return nil, exitcode.Usagef("Kafka SASL authentication needs %s too (or none of --%s, --%s, --%s for no authentication)",
			dashed(missing), flagAuthMechanism, flagUsername, flagPassword)
	}
	return object().set("sasl", object().
		set("mechanism", value(v.String(flagAuthMechanism))).
		set("username", value(v.String(flagUsername))).
		set("password", value(v.String(flagPassword)))), nil
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

func stringOr(v flagValues, flag, def string) string {
	if v.IsSet(flag) {
		return v.String(flag)
	}
	return def
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
