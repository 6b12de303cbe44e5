package integrationscli

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/session"
)

// Flag names.
const (
	flagType          = "type"
	flagSourceType    = "source-type"
	flagChannelFilter = "channel-filter"
	flagRequestMode   = "request-mode"
	flagStatus        = "status"
	flagTargetJSON    = "target-json"
	flagTargetFile    = "target-file"
	flagBodyFile      = "body-file"
	flagShowSecret    = "show-secret"

	flagAWSKeyID      = "aws-access-key-id"
	flagAWSSecret     = "aws-secret-access-key"
	flagAWSRoleARN    = "aws-assume-role-arn"
	flagAuthMechanism = "auth-mechanism"
	flagUsername      = "username"
	flagPassword      = "password"
	flagPulsarToken   = "pulsar-token"

	flagChatRoomFilter = "chat-room-filter"
	flagRetryTimeout   = "retry-timeout"
	flagMaxRetries     = "max-retries"
	flagFailedAction   = "failed-action"
	flagTooManyAction  = "too-many-requests-action"
)

// Flag categories in --help, which sorts them by name.
const (
	catRule          = "Rule"
	catTarget        = "Rule target (each flag names the rule types it applies to)"
	catAuth          = "Rule target authentication"
	catBeforePublish = "Rule: before-publish settings"
)

// Values the API accepts.
var (
	sourceTypes     = []string{"channel.message", "channel.presence", "channel.lifecycle", "channel.occupancy"}
	requestModes    = []string{"single", "batch"}
	statuses        = []string{"enabled", "disabled"}
	formats         = []string{"json", "msgpack"}
	kafkaMechanisms = []string{"plain", "scram-sha-256", "scram-sha-512"}
	failedActions   = []string{"REJECT", "PUBLISH"}
	tooManyActions  = []string{"RETRY", "FAIL"}
)

// Defaults of a new before-publish rule's beforePublishConfig (the API requires all four;
// these are the values the Control API reference gives as examples).
const (
	defaultRetryTimeout  = 5000
	defaultMaxRetries    = 3
	defaultFailedAction  = "REJECT"
	defaultTooManyAction = "RETRY"
)

// targetFlagUsage describes the flags that set target fields.
var targetFlagUsage = map[string]string{
	"url":                 "endpoint `URL`",
	"header":              "add the header `\"NAME: VALUE\"` to what is sent (repeatable)",
	"signing-key-id":      "sign payloads with the app's API key `KEY_ID` (batch mode)",
	"format":              "encoding: `json` or msgpack (on create, json where the API requires one)",
	"enveloped":           "wrap messages in Ably's envelope (--enveloped=false for the raw payload)",
	"webhook-key":         "the IFTTT webhook `KEY` (a secret)",
	"event-name":          "the IFTTT event `NAME`",
	"azure-app-id":        "the Azure `APP_ID`",
	"function-name":       "the function's `NAME`",
	"project-id":          "the Google Cloud `PROJECT_ID`",
	"region":              "the cloud `REGION`, e.g. us-west-1",
	"stream-name":         "the Kinesis stream `NAME`",
	"partition-key":       "the Kinesis partition `KEY`, e.g. #{message.name}",
	"aws-account-id":      "the AWS account `ID`",
	"queue-name":          "the SQS queue `NAME`",
	"queue-id":            "the Ably queue's `ID` (APPID:REGION:NAME, see 'ably queues list')",
	"routing-key":         "the routing `KEY` (Kafka: topic:key)",
	"mandatory-route":     "reject messages when the route does not exist (false unless given)",
	"persistent-messages": "mark messages persistent (false unless given)",
	"message-ttl":         "message TTL in `MINUTES` (unset: the queue's)",
	"brokers":             "Kafka brokers, `HOST:PORT[,...]` (repeatable)",
	"topic":               "the Pulsar `TOPIC`, e.g. persistent://tenant/namespace/topic",
	"service-url":         "the Pulsar service `URL`, e.g. pulsar+ssl://host:6651",
}

// targetFlagOrder is the order of target flags in --help.
var targetFlagOrder = []string{
	"url", "header", "signing-key-id", "format", "enveloped", "webhook-key", "event-name",
	"azure-app-id", "function-name", "project-id", "region", "stream-name", "partition-key",
	"aws-account-id", "queue-name", "queue-id", "routing-key", "mandatory-route",
	"persistent-messages", "message-ttl", "brokers", "topic", "service-url",
}

// targetFlags are the flags setting target fields, each naming the types it applies to.
// Unset, a flag sends nothing (create) or changes nothing (update), which --help says
// instead of urfave/cli's zero value.
func targetFlags(create bool) []cli.Flag {
	unset := "unchanged"
	if create {
		unset = "not sent"
	}
	var out []cli.Flag
	for _, name := range targetFlagOrder {
		usage := fmt.Sprintf("%s (%s)", targetFlagUsage[name], strings.Join(typesWithFlag(name), ", "))
		var kind fieldKind
		for _, t := range ruleTypes() {
			if f, ok := t.flagField(name); ok {
				kind = f.kind
				break
			}
		}
		switch kind {
		case boolField:
			out = append(out, &cli.BoolFlag{Name: name, Usage: usage, Category: catTarget, DefaultText: unset})
		case intField:
			out = append(out, &cli.IntFlag{Name: name, Usage: usage, Category: catTarget, DefaultText: unset})
		case headersField, listField:
			out = append(out, &cli.StringSliceFlag{Name: name, Usage: usage, Category: catTarget})
		default:
			out = append(out, &cli.StringFlag{Name: name, Usage: usage, Category: catTarget})
		}
	}
	return out
}

// authFlags set the target's credentials.
func authFlags() []cli.Flag {
	aws := strings.Join(typesWithAuth(awsAuth), ", ")
	return []cli.Flag{
		&cli.StringFlag{Name: flagAWSKeyID, Category: catAuth, Usage: "AWS access key `ID`, with --aws-secret-access-key (" + aws + ")"},
		&cli.StringFlag{Name: flagAWSSecret, Category: catAuth, Usage: "AWS secret access `KEY` (" + aws + ")"},
		&cli.StringFlag{Name: flagAWSRoleARN, Category: catAuth, Usage: "instead of keys, the `ARN` of a role Ably assumes (" + aws + ")"},
		&cli.StringFlag{Name: flagAuthMechanism, Category: catAuth, Usage: "Kafka SASL mechanism: `plain`, scram-sha-256 or scram-sha-512 (kafka)"},
		&cli.StringFlag{Name: flagUsername, Category: catAuth, Usage: "Kafka SASL `USERNAME` (kafka)"},
		&cli.StringFlag{Name: flagPassword, Category: catAuth, Usage: "Kafka SASL `PASSWORD` (kafka)"},
		&cli.StringFlag{Name: flagPulsarToken, Category: catAuth, Usage: "Pulsar authentication `JWT` (pulsar)"},
	}
}

// beforePublishFlags configure before-publish rules. On create they have the defaults a
// new rule gets; on update, unset ones change nothing.
func beforePublishFlags(create bool) []cli.Flag {
	retry := &cli.IntFlag{Name: flagRetryTimeout, Category: catBeforePublish, Usage: "retry timeout in `MS`, 0 to 10000"}
	retries := &cli.IntFlag{Name: flagMaxRetries, Category: catBeforePublish, Usage: "maximum retries, `N` from 0 to 10"}
	failed := &cli.StringFlag{Name: flagFailedAction, Category: catBeforePublish, Usage: "when the invocation fails: `REJECT` the message or PUBLISH it"}
	tooMany := &cli.StringFlag{Name: flagTooManyAction, Category: catBeforePublish, Usage: "when rate limited: `RETRY`, or FAIL (then --failed-action applies)"}
	if create {
		retry.Value, retries.Value = defaultRetryTimeout, defaultMaxRetries
		failed.Value, tooMany.Value = defaultFailedAction, defaultTooManyAction
	} else {
		retry.DefaultText, retries.DefaultText = "unchanged", "unchanged"
	}
	return []cli.Flag{
		&cli.StringFlag{Name: flagChatRoomFilter, Category: catBeforePublish, Usage: "only chat rooms whose ID matches `/REGEX/`"},
		retry, retries, failed, tooMany,
	}
}

// ruleFlags are the flags of create and update: the rule, its source, its target.
func ruleFlags(create bool) []cli.Flag {
	typeUsage := "the rule `TYPE`: " + strings.Join(ruleTypeNames(), ", ")
	if !create {
		typeUsage = "the rule's `TYPE`, saving the request that reads it (the API requires it in updates)"
	}
	onCreate := func(s string) string {
		if create {
			return s
		}
		return ""
	}
	flags := []cli.Flag{
		&cli.StringFlag{Name: flagType, Category: catRule, Usage: typeUsage},
		&cli.StringFlag{Name: flagStatus, Category: catRule, Usage: "`enabled` or disabled"},
		&cli.StringFlag{Name: flagSourceType, Category: catRule, Usage: "what triggers the rule: `channel.message`" + onCreate(" (default)") + ", channel.presence, channel.lifecycle or channel.occupancy"},
		&cli.StringFlag{Name: flagChannelFilter, Category: catRule, Usage: "only channels whose name matches the JavaScript `REGEX`" + onCreate(" (default: all channels)")},
		&cli.StringFlag{Name: flagRequestMode, Category: catRule, Usage: "`single`" + onCreate(" (default)") + " or batch"},
		&cli.StringFlag{Name: flagTargetJSON, Category: catRule, Usage: "the target as a JSON `OBJECT`, for any type (instead of target flags)"},
		&cli.StringFlag{Name: flagTargetFile, Category: catRule, Usage: "the target as JSON read from `FILE` (- for standard input)"},
		&cli.StringFlag{Name: flagBodyFile, Category: catRule, Usage: "the whole request body as JSON read from `FILE` (- for standard input), sent as it is"},
	}
	flags = append(flags, targetFlags(create)...)
	flags = append(flags, authFlags()...)
	flags = append(flags, beforePublishFlags(create)...)
	return append(flags, commonFlags()...)
}

// commonFlags are the app, session and secret flags of every command.
func commonFlags() []cli.Flag {
	return append([]cli.Flag{session.AppFlag(), showSecretFlag()}, session.Flags()...)
}

func showSecretFlag() cli.Flag {
	return &cli.BoolFlag{Name: flagShowSecret, Usage: "show credentials in targets instead of ****, in human and JSON output"}
}

// secretsHelp is the paragraph every command printing rules has in its --help.
const secretsHelp = `Credentials in targets (AWS secret keys, Kafka passwords, Pulsar tokens, API keys, IFTTT
webhook keys, any field named as a secret, password or token, passwords and parameters such
as ?code=, ?key=, ?sig= or ?token= in URLs, and headers such as Authorization) are shown as
**** in all output, --json and --pretty-json included, unless --show-secret is given.`
