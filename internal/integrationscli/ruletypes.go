package integrationscli

import (
	"slices"
	"strings"
)

// shape is what a rule type carries besides its target (rule_post in the Control API spec).
type shape int

const (
	// channelRule: source (channel.message, ...) and requestMode (single|batch).
	channelRule shape = iota
	// beforePublishRule: beforePublishConfig and invocationMode BEFORE_PUBLISH, an optional
	// chatRoomFilter; no requestMode.
	beforePublishRule
	// afterPublishRule: invocationMode AFTER_PUBLISH and an optional chatRoomFilter.
	afterPublishRule
	// ingressRule: a target only (the rule reads from a database into Ably).
	ingressRule
)

// fieldKind is how a flag's value becomes a target field.
type fieldKind int

const (
	textField    fieldKind = iota
	boolField              // --enveloped, --enveloped=false
	intField               // --message-ttl
	headersField           // --header "Name: value", repeatable
	listField              // --brokers a,b or repeated
)

// targetField is one target field a flag sets.
type targetField struct {
	flag  string
	field string
	kind  fieldKind
	def   any // sent on create when the flag is not given (for fields the API requires)
}

// authKind is how a rule type authenticates to its target.
type authKind int

const (
	noAuth     authKind = iota
	awsAuth             // authentication: access keys or an assumed role
	kafkaAuth           // auth.sasl: mechanism, username, password
	pulsarAuth          // authentication: a JWT
)

// ruleType is one ruleType of the Control API, as the spec's rule_post and rule_patch
// describe it.
type ruleType struct {
	name  string
	shape shape
	// sourceOptional: a before-publish type that may also carry a channel source.
	sourceOptional bool
	// noStatusOnCreate: the type's rule_post has no status field.
	noStatusOnCreate bool
	fields           []targetField // target fields flags can set (none: JSON only)
	auth             authKind
	required         []string // target fields rule_post requires
	patchRequired    []string // target fields a rule_patch target must carry whole
	patchNeeds       []string // top-level fields every rule_patch of the type must carry
	summary          func(target *node) string
}

// Target fields shared by several types.
var (
	urlField          = targetField{flag: "url", field: "url"}
	headersFieldSpec  = targetField{flag: "header", field: "headers", kind: headersField}
	signingKeyField   = targetField{flag: "signing-key-id", field: "signingKeyId"}
	envelopedField    = targetField{flag: "enveloped", field: "enveloped", kind: boolField}
	formatField       = targetField{flag: "format", field: "format"}
	formatJSONDefault = targetField{flag: "format", field: "format", def: "json"}
	regionField       = targetField{flag: "region", field: "region"}
	functionField     = targetField{flag: "function-name", field: "functionName"}
	routingKeyField   = targetField{flag: "routing-key", field: "routingKey"}
)

// ruleTypes lists every ruleType of rule_post's discriminator, in the spec's order.
func ruleTypes() []ruleType {
	webhook := []targetField{urlField, headersFieldSpec, signingKeyField}
	return []ruleType{
		{name: "http", fields: []targetField{urlField, headersFieldSpec, signingKeyField, envelopedField, formatJSONDefault},
			required: []string{"url", "format"}, summary: fieldSummary("url")},
		{name: "http/ifttt", fields: []targetField{{flag: "webhook-key", field: "webhookKey"}, {flag: "event-name", field: "eventName"}},
			required: []string{"webhookKey", "eventName"}, summary: prefixed("event ", "eventName")},
		{name: "http/zapier", fields: webhook, required: []string{"url"}, summary: fieldSummary("url")},
		{name: "http/cloudflare-worker", fields: webhook, required: []string{"url"}, summary: fieldSummary("url")},
		{name: "http/azure-function", fields: []targetField{{flag: "azure-app-id", field: "azureAppId"}, {flag: "function-name", field: "azureFunctionName"},
			headersFieldSpec, signingKeyField, envelopedField, formatField},
			required: []string{"azureAppId", "azureFunctionName"}, summary: fieldSummary("azureAppId", "azureFunctionName")},
		{name: "http/google-cloud-function", noStatusOnCreate: true,
			fields:   []targetField{regionField, {flag: "project-id", field: "projectId"}, functionField, headersFieldSpec, signingKeyField, envelopedField, formatField},
			required: []string{"region", "projectId", "functionName"}, summary: fieldSummary("projectId", "region", "functionName")},
		{name: "aws/lambda", fields: []targetField{regionField, functionField, envelopedField}, auth: awsAuth,
			required: []string{"region", "functionName", "authentication"}, patchRequired: []string{"region", "functionName", "authentication"},
			summary: fieldSummary("region", "functionName")},
		{name: "aws/kinesis", fields: []targetField{regionField, {flag: "stream-name", field: "streamName"}, {flag: "partition-key", field: "partitionKey"}, envelopedField, formatJSONDefault},
			auth: awsAuth, required: []string{"region", "streamName", "partitionKey", "authentication", "format"}, summary: fieldSummary("region", "streamName")},
		{name: "aws/sqs", fields: []targetField{regionField, {flag: "aws-account-id", field: "awsAccountId"}, {flag: "queue-name", field: "queueName"}, envelopedField, formatField},
			auth: awsAuth, required: []string{"region", "awsAccountId", "queueName", "authentication"}, summary: fieldSummary("region", "awsAccountId", "queueName")},
		{name: "aws/lambda/before-publish", shape: beforePublishRule, sourceOptional: true, fields: []targetField{regionField, functionField}, auth: awsAuth,
			required: []string{"region", "functionName", "authentication"}, patchRequired: []string{"region", "functionName", "authentication"},
			summary: fieldSummary("region", "functionName")},
		{name: "http/before-publish", shape: beforePublishRule, fields: []targetField{urlField, headersFieldSpec},
			required: []string{"url"}, patchRequired: []string{"url"}, summary: fieldSummary("url")},
		{name: "amqp", fields: []targetField{{flag: "queue-id", field: "queueId"}, headersFieldSpec, envelopedField, formatField},
			required: []string{"queueId"}, summary: fieldSummary("queueId")},
		{name: "amqp/external", noStatusOnCreate: true,
			fields: []targetField{urlField, routingKeyField, {flag: "mandatory-route", field: "mandatoryRoute", kind: boolField, def: false},
				{flag: "persistent-messages", field: "persistentMessages", kind: boolField, def: false}, {flag: "message-ttl", field: "messageTtl", kind: intField},
				headersFieldSpec, envelopedField, formatField},
			required: []string{"url", "routingKey", "mandatoryRoute", "persistentMessages"}, summary: fieldSummary("url")},
		{name: "kafka", fields: []targetField{routingKeyField, {flag: "brokers", field: "brokers", kind: listField}, envelopedField, formatField},
			auth: kafkaAuth, required: []string{"routingKey", "brokers", "auth"}, summary: kafkaSummary},
		{name: "pulsar", fields: []targetField{{flag: "topic", field: "topic"}, {flag: "service-url", field: "serviceUrl"}, routingKeyField, envelopedField, formatField},
			auth: pulsarAuth, required: []string{"topic", "serviceUrl", "authentication"}, summary: joinedSummary(" ", "serviceUrl", "topic")},
		{name: "ingress-postgres-outbox", shape: ingressRule,
			required:      []string{"url", "outboxTableSchema", "outboxTableName", "nodesTableSchema", "nodesTableName", "sslMode"},
			patchRequired: []string{"url", "outboxTableSchema", "outboxTableName", "nodesTableSchema", "nodesTableName", "sslMode"},
			patchNeeds:    []string{"target"}, summary: fieldSummary("url")},
		{name: "ingress/mongodb", shape: ingressRule,
			required: []string{"url", "database", "collection", "pipeline", "fullDocument", "fullDocumentBeforeChange", "primarySite"},
			summary:  fieldSummary("url")},
		{name: "hive/text-model-only", shape: beforePublishRule, required: []string{"apiKey"}, patchRequired: []string{"apiKey"},
			patchNeeds: []string{"target", "beforePublishConfig", "invocationMode"}, summary: fieldSummary("modelUrl")},
		{name: "hive/dashboard", shape: afterPublishRule, required: []string{"apiKey"}, patchRequired: []string{"apiKey"},
			summary: fieldSummary()},
		{name: "bodyguard/text-moderation", shape: beforePublishRule, required: []string{"apiKey"}, patchRequired: []string{"apiKey"},
			patchNeeds: []string{"target", "beforePublishConfig", "invocationMode"}, summary: fieldSummary("apiUrl")},
		{name: "tisane/text-moderation", shape: beforePublishRule, required: []string{"apiKey", "defaultLanguage"}, patchRequired: []string{"apiKey", "defaultLanguage"},
			patchNeeds: []string{"target", "beforePublishConfig", "invocationMode"}, summary: fieldSummary("modelUrl")},
		{name: "azure/text-moderation", shape: beforePublishRule, required: []string{"apiKey", "endpoint"}, patchRequired: []string{"apiKey", "endpoint"},
			patchNeeds: []string{"target", "beforePublishConfig", "invocationMode"}, summary: fieldSummary("endpoint")},
	}
}

// ruleTypeNames are the types a rule can be created with.
func ruleTypeNames() []string {
	var names []string
	for _, t := range ruleTypes() {
		names = append(names, t.name)
	}
	return names
}

// lookupRuleType finds a type by name.
func lookupRuleType(name string) (ruleType, bool) {
	for _, t := range ruleTypes() {
		if t.name == name {
			return t, true
		}
	}
	return ruleType{}, false
}

// flagField is the target field flag sets for this type.
func (t ruleType) flagField(flag string) (targetField, bool) {
	for _, f := range t.fields {
		if f.flag == flag {
			return f, true
		}
	}
	return targetField{}, false
}

// typesWithFlag lists the types whose target a flag sets, for help and hints.
func typesWithFlag(flag string) []string {
	var names []string
	for _, t := range ruleTypes() {
		if _, ok := t.flagField(flag); ok {
			names = append(names, t.name)
		}
	}
	return names
}

// typesWithAuth lists the types authenticating with kind.
func typesWithAuth(kind authKind) []string {
	var names []string
	for _, t := range ruleTypes() {
		if t.auth == kind {
			names = append(names, t.name)
		}
	}
	return names
}

// typesWithShape lists the types of a shape.
func typesWithShape(shapes ...shape) []string {
	var names []string
	for _, t := range ruleTypes() {
		if slices.Contains(shapes, t.shape) {
			names = append(names, t.name)
		}
	}
	return names
}

// invocationMode is the fixed invocationMode of before- and after-publish types.
func (t ruleType) invocationMode() string {
	switch t.shape {
	case beforePublishRule:
		return "BEFORE_PUBLISH"
	case afterPublishRule:
		return "AFTER_PUBLISH"
	}
	return ""
}

// takesSource reports whether the type's rules may have a channel source.
func (t ruleType) takesSource() bool { return t.shape == channelRule || t.sourceOptional }

// takesChatRoomFilter reports whether the type's rules may have a chatRoomFilter.
func (t ruleType) takesChatRoomFilter() bool {
	return t.shape == beforePublishRule || t.shape == afterPublishRule
}

// fieldSummary shows the given target fields joined by "/", or "-" when none is set.
func fieldSummary(fields ...string) func(*node) string { return joinedSummary("/", fields...) }

// joinedSummary shows the given target fields joined by sep, or "-" when none is set.
func joinedSummary(sep string, fields ...string) func(*node) string {
	return func(target *node) string {
		var parts []string
		for _, f := range fields {
			if s := target.str(f); s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) == 0 {
			return "-"
		}
		return strings.Join(parts, sep)
	}
}

func prefixed(prefix, field string) func(*node) string {
	return func(target *node) string {
		if s := target.str(field); s != "" {
			return prefix + s
		}
		return "-"
	}
}

func kafkaSummary(target *node) string {
	brokers := strings.Join(target.get("brokers").strings(), ",")
	switch key := target.str("routingKey"); {
	case brokers == "" && key == "":
		return "-"
	case key == "":
		return brokers
	default:
		return brokers + " " + key
	}
}
