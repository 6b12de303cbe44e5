package integrationscli

import (
	"context"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func createCommand() *cli.Command {
	return &cli.Command{
		Name:  "create",
		Usage: "Create an integration rule (needs Write Integration)",
		Description: `Creates a rule of --type TYPE, its target given by target flags (for the common types), as a
JSON object (--target-json or --target-file, for every type), or the whole request body from
--body-file (sent as it is, for expert use). Channel rules default to --source-type
channel.message on all channels, --request-mode single; http and aws/kinesis targets to
--format json. Before-publish rules get their settings from --retry-timeout, --max-retries,
--failed-action and --too-many-requests-action, with the defaults shown. Everything is checked
before the request is sent: the type, the fields its target requires, flag values, JSON
syntax.

Secrets given as flags are visible to other users of this machine in the process list:
prefer --target-file for credentials.

` + secretsHelp + `

Examples:
   ably integrations create --type http --url https://example.com/hook --header "Authorization: Bearer s3cret"
   ably integrations create --type http --url https://example.com/hook --source-type channel.presence --channel-filter '^room:'
   ably integrations create --type aws/lambda --region us-east-1 --function-name onMessage --aws-assume-role-arn arn:aws:iam::123456789012:role/ably
   ably integrations create --type aws/kinesis --region eu-west-1 --stream-name events --partition-key '#{message.name}' --aws-access-key-id AKIA... --aws-secret-access-key ...
   ably integrations create --type amqp --queue-id 'abc123:us-east-1-a:orders' --enveloped=false
   ably integrations create --type kafka --brokers k1:9092,k2:9092 --routing-key events:key --auth-mechanism scram-sha-256 --username u --password p
   ably integrations create --type hive/text-model-only --target-file hive.json --failed-action PUBLISH
   ably integrations create --body-file rule.json --app prod --json`,
		Flags:  ruleFlags(true),
		Action: plugin.Action(createOptionsOf, runCreate),
	}
}

// createOptions are what `integrations create` was asked: the rule's flags are checked
// and made into a body by runCreate, which reads --body-file and --target-file.
type createOptions struct {
	Session    session.Settings
	Rule       flagValues
	ShowSecret bool
}

func createOptionsOf(c *cli.Context) (createOptions, error) {
	return createOptions{Session: session.SettingsOf(c), Rule: flagValuesOf(c), ShowSecret: c.Bool(flagShowSecret)}, noArgs(c)
}

func runCreate(ctx context.Context, d plugin.Deps, o createOptions) error {
	out := d.Out
	in, err := readInput(d.Env, o.Rule, true)
	if err != nil {
		return err
	}
	var body *node
	if in.body != nil {
		body = in.body
		if err := checkWholeBody(body); err != nil {
			return err
		}
	} else {
		if !o.Rule.IsSet(flagType) {
			return exitcode.Usagef("--%s is required: one of %s", flagType, strings.Join(ruleTypeNames(), ", "))
		}
		t, err := checkRuleTypeName("--"+flagType, o.Rule.String(flagType))
		if err != nil {
			return err
		}
		if body, err = in.createBody(o.Rule, t); err != nil {
			return err
		}
	}
	raw, err := body.MarshalJSON()
	if err != nil {
		return err
	}
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.WriteRule, "create an integration rule")
	if err != nil {
		return err
	}
	rule, err := s.Client.CreateRule(ctx, ref.ID, raw)
	if err != nil {
		return err
	}
	shown, err := showRule(*rule, o.ShowSecret)
	if err != nil {
		return err
	}
	if out.IsJSON() {
		return out.JSON(shown)
	}
	out.Printf("Created integration rule %s (%s) in app %s.\n", rule.ID, rule.RuleType, ref.Label())
	return out.Details(shown.details())
}

// checkWholeBody checks the little a --body-file must have for the API to know what it is.
func checkWholeBody(body *node) error {
	rt := body.get("ruleType")
	if rt == nil {
		return exitcode.Usagef("--%s has no ruleType: add \"ruleType\": one of %s", flagBodyFile, strings.Join(ruleTypeNames(), ", "))
	}
	if _, ok := rt.scalar.(string); !ok || rt.isObject || rt.isArray {
		return exitcode.Usagef("--%s: ruleType must be a string, not %s", flagBodyFile, jsonKind(rt))
	}
	t, err := checkRuleTypeName("ruleType in --"+flagBodyFile, rt.str())
	if err != nil {
		return err
	}
	target := body.get("target")
	if target == nil || !target.isObject {
		return exitcode.Usagef("--%s has no target object: add \"target\": {...}", flagBodyFile)
	}
	if missing := missingFields(target, t.required); len(missing) > 0 {
		return exitcode.Usagef("--%s: the target of a %s rule needs %s", flagBodyFile, t.name, strings.Join(missing, ", "))
	}
	return checkTargetValues(t, target)
}
