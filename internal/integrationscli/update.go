package integrationscli

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func updateCommand() *cli.Command {
	return &cli.Command{
		Name:      "update",
		Usage:     "Change an integration rule (needs Write Integration, and Read Integration without --type)",
		ArgsUsage: "ID",
		Description: `Sends only what you set, with the rule's type, which the API requires in every update: it
is read from the rule (one GET, needing Read Integration) unless --type gives it. Where the API
takes a part whole, so does the update: changing an aws/lambda target needs its region,
function name and authentication; before-publish settings go as all four; the moderation and
Postgres ingress types need their whole target in every update. --body-file sends a whole
rule_patch body of your own (ruleType added when missing).

` + secretsHelp + `

Examples:
   ably integrations update 83IzAB --status disabled
   ably integrations update 83IzAB --type http --url https://example.com/new-hook --format msgpack
   ably integrations update 83IzAB --channel-filter '^orders:' --request-mode batch
   ably integrations update 83IzAB --target-file target.json --json`,
		Flags:  ruleFlags(false),
		Action: plugin.Action(updateOptionsOf, runUpdate),
	}
}

// updateOptions are what `integrations update` was asked: the rule's flags are checked
// and made into a patch by runUpdate, which reads --body-file and --target-file, and the
// rule's type when --type does not give it.
type updateOptions struct {
	Session    session.Settings
	ID         string // the rule's
	Rule       flagValues
	ShowSecret bool
}

func updateOptionsOf(c *cli.Context) (updateOptions, error) {
	id, err := ruleIDArg(c)
	return updateOptions{Session: session.SettingsOf(c), ID: id, Rule: flagValuesOf(c), ShowSecret: c.Bool(flagShowSecret)}, err
}

func runUpdate(ctx context.Context, d plugin.Deps, o updateOptions) error {
	out := d.Out
	id := o.ID
	in, err := readInput(d.Env, o.Rule, false)
	if err != nil {
		return err
	}
	var t ruleType
	typed, unmodelled := o.Rule.IsSet(flagType), false
	if typed {
		if t, err = checkRuleTypeName("--"+flagType, o.Rule.String(flagType)); err != nil {
			return err
		}
		// With the type known, everything it decides is checked before any request.
		if _, err := in.patchBody(o.Rule, t, false); err != nil {
			return err
		}
	}
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.WriteRule, "update an integration rule")
	if err != nil {
		return err
	}
	if !typed {
		current, err := s.Client.GetRule(ctx, ref.ID, id)
		if err != nil {
			return withTypeHint(err)
		}
		if t, typed = lookupRuleType(current.RuleType); !typed {
			t, unmodelled = ruleType{name: current.RuleType}, true
		}
	}
	body, err := in.patchBody(o.Rule, t, unmodelled)
	if err != nil {
		return err
	}
	raw, err := body.MarshalJSON()
	if err != nil {
		return err
	}
	rule, err := s.Client.UpdateRule(ctx, ref.ID, id, raw)
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
	out.Printf("Updated integration rule %s (%s) in app %s.\n", rule.ID, rule.RuleType, ref.Label())
	return out.Details(shown.details())
}

// withTypeHint adds, to a refusal to read the rule, that --type avoids reading it.
func withTypeHint(err error) error {
	var e *exitcode.Error
	if !errors.As(err, &e) || e.Code != exitcode.Permission {
		return err
	}
	hinted := *e
	hinted.Message += fmt.Sprintf("; or give the rule's type with --%s, so that the rule is not read", flagType)
	return &hinted
}
