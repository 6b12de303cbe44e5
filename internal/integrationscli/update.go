package integrationscli

import (
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
		Action: update,
	}
}

func update(c *cli.Context) error {
	out := plugin.Printer(c)
	id, err := ruleIDArg(c)
	if err != nil {
		return err
	}
	in, err := readInput(c, plugin.EnvOf(c))
	if err != nil {
		return err
	}
	var t ruleType
	typed, unmodelled := c.IsSet(flagType), false
	if typed {
		if t, err = checkRuleTypeName("--"+flagType, c.String(flagType)); err != nil {
			return err
		}
		// With the type known, everything it decides is checked before any request.
		if _, err := in.patchBody(c, t, false); err != nil {
			return err
		}
	}
	s, ref, err := session.OpenApp(c, control.WriteRule, "update an integration rule")
	if err != nil {
		return err
	}
	if !typed {
		current, err := s.Client.GetRule(c.Context, ref.ID, id)
		if err != nil {
			return withTypeHint(err)
		}
		if t, typed = lookupRuleType(current.RuleType); !typed {
			t, unmodelled = ruleType{name: current.RuleType}, true
		}
	}
	body, err := in.patchBody(c, t, unmodelled)
	if err != nil {
		return err
	}
	raw, err := body.MarshalJSON()
	if err != nil {
		return err
	}
	rule, err := s.Client.UpdateRule(c.Context, ref.ID, id, raw)
	if err != nil {
		return err
	}
	shown, err := showRule(*rule, c.Bool(flagShowSecret))
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
