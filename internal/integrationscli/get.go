package integrationscli

import (
	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func getCommand() *cli.Command {
	return &cli.Command{
		Name:      "get",
		Usage:     "Show one integration rule (needs Read Integration)",
		ArgsUsage: "ID",
		Description: `Shows every field of the rule: type, status, mode, source, the target's fields by their API
names (target.url, target.authentication.accessKeyId, ...), version and times.

` + secretsHelp + `

Examples:
   ably integrations get 83IzAB
   ably integrations get 83IzAB --app prod --json
   ably integrations get 83IzAB --show-secret`,
		Flags:  commonFlags(),
		Action: get,
	}
}

func get(c *cli.Context) error {
	out := plugin.Printer(c)
	id, err := ruleIDArg(c)
	if err != nil {
		return err
	}
	s, ref, err := session.OpenApp(c, control.ReadRule, "get an integration rule")
	if err != nil {
		return err
	}
	rule, err := s.Client.GetRule(c.Context, ref.ID, id)
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
	return out.Details(shown.details())
}
