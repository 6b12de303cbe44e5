package appscli

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/session"
)

func channelRulesCommand() *cli.Command {
	return &cli.Command{
		Name:    "channel-rules",
		Aliases: []string{"rules"},
		Usage:   "Manage an app's channel rules (namespaces): persistence, push, batching, ...",
		Description: `A channel rule applies settings to the channels of a namespace: the rule "chat" covers the
channel "chat" and every channel "chat:*".

Examples:
   ably apps channel-rules list
   ably apps rules create --name chat --persisted --push-enabled
   ably apps rules update chat --batching-enabled --batching-interval 50
   ably apps rules delete chat --force`,
		Subcommands: []*cli.Command{rulesListCommand(), rulesCreateCommand(), rulesUpdateCommand(), rulesDeleteCommand()},
	}
}

func rulesListCommand() *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "List an app's channel rules (needs Read Rule)",
		Description: `Lists each rule with the settings it turns on.

Examples:
   ably apps channel-rules list
   ably apps rules list --app "My App" --json`,
		Flags:  append([]cli.Flag{session.AppFlag()}, session.Flags()...),
		Action: rulesList,
	}
}

func rulesList(c *cli.Context) error {
	out := plugin.Printer(c)
	if c.Args().Present() {
		return exitcode.Usagef("unexpected argument %q: list takes no arguments (name the app with --app)", c.Args().First())
	}
	s, ref, err := session.OpenApp(c, control.ReadNamespace, "list channel rules")
	if err != nil {
		return err
	}
	rules, err := s.Client.ListNamespaces(c.Context, ref.ID)
	if err != nil {
		return err
	}
	if out.IsJSON() {
		if rules == nil {
			rules = []control.Namespace{}
		}
		return out.JSON(rules)
	}
	if len(rules) == 0 {
		out.Printf("App %s has no channel rules: create one with 'ably apps channel-rules create --name NAME'.\n", session.AppLabel(ref.ID, ref.Name))
		return nil
	}
	rows := make([][]string, 0, len(rules))
	for _, r := range rules {
		rows = append(rows, []string{r.ID, ruleSummary(r)})
	}
	return out.Table([]string{"name", "settings"}, rows)
}

func rulesCreateCommand() *cli.Command {
	flags := []cli.Flag{session.AppFlag(), &cli.StringFlag{Name: flagName, Usage: "the channel namespace `NAME`, e.g. chat for channels chat:* (required)"}}
	flags = append(flags, ruleSettingFlags()...)
	return &cli.Command{
		Name:  "create",
		Usage: "Create a channel rule (needs Write Rule)",
		Description: `Only the settings given are sent; the others are off.

Examples:
   ably apps channel-rules create --name chat --persisted
   ably apps rules create --name updates --push-enabled --tls-only
   ably apps rules create --name ticker --conflation-enabled --conflation-interval 1000 --conflation-key '#{message.name}'
   ably apps rules create --app "My App" --name chat --mutable-messages --json`,
		Flags:  append(flags, session.Flags()...),
		Action: rulesCreate,
	}
}

func rulesCreate(c *cli.Context) error {
	out := plugin.Printer(c)
	if c.Args().Present() {
		return exitcode.Usagef("unexpected argument %q: give the namespace with --name", c.Args().First())
	}
	if !c.IsSet(flagName) {
		return exitcode.Usagef("--name is required: the channel namespace, e.g. --name chat for the channels chat:*")
	}
	name := c.String(flagName)
	if err := checkRuleName("--name", name); err != nil {
		return err
	}
	fields, err := ruleFieldsFromFlags(c)
	if err != nil {
		return err
	}
	s, ref, err := session.OpenApp(c, control.WriteNamespace, "create a channel rule")
	if err != nil {
		return err
	}
	rule, err := s.Client.CreateNamespace(c.Context, ref.ID, name, fields)
	if err != nil {
		return err
	}
	if out.IsJSON() {
		return out.JSON(rule)
	}
	out.Printf("Created channel rule %q in app %s.\n", rule.ID, session.AppLabel(ref.ID, ref.Name))
	return out.Details(ruleDetails(*rule))
}

func rulesUpdateCommand() *cli.Command {
	return &cli.Command{
		Name:      "update",
		Usage:     "Change a channel rule's settings (needs Write Rule)",
		ArgsUsage: "NAME",
		Description: `Sends only the settings given; turn one off with =false.

Examples:
   ably apps channel-rules update chat --persisted=false
   ably apps rules update chat --batching-enabled --batching-interval 100ms
   ably apps rules update chat --app "My App" --populate-channel-registry --json`,
		Flags:  append(append([]cli.Flag{session.AppFlag()}, ruleSettingFlags()...), session.Flags()...),
		Action: rulesUpdate,
	}
}

func rulesUpdate(c *cli.Context) error {
	args := c.Args().Slice()
	out := plugin.Printer(c)
	if len(args) != 1 {
		return exitcode.Usagef("update takes one argument, the channel rule's name (see 'ably apps channel-rules list'), then the settings to change")
	}
	name := args[0]
	if err := checkRuleName("the rule name", name); err != nil {
		return err
	}
	fields, err := ruleFieldsFromFlags(c)
	if err != nil {
		return err
	}
	if fields == (control.NamespaceFields{}) {
		return exitcode.Usagef("nothing to change: pass a setting such as --persisted or --persisted=false (see 'ably apps channel-rules update --help')")
	}
	s, ref, err := session.OpenApp(c, control.WriteNamespace, "update a channel rule")
	if err != nil {
		return err
	}
	rule, err := s.Client.UpdateNamespace(c.Context, ref.ID, name, fields)
	if err != nil {
		return err
	}
	if out.IsJSON() {
		return out.JSON(rule)
	}
	out.Printf("Updated channel rule %q in app %s.\n", rule.ID, session.AppLabel(ref.ID, ref.Name))
	return out.Details(ruleDetails(*rule))
}

func rulesDeleteCommand() *cli.Command {
	return &cli.Command{
		Name:      "delete",
		Usage:     "Delete a channel rule (needs Write Rule)",
		ArgsUsage: "NAME",
		Description: `The namespace's channels go back to the app's defaults. Asks for confirmation on a terminal;
elsewhere (scripts, CI) it needs --force.

Examples:
   ably apps channel-rules delete chat
   ably apps rules delete chat --app "My App" --force`,
		Flags:  append([]cli.Flag{session.AppFlag(), plugin.ForceFlag()}, session.Flags()...),
		Action: rulesDelete,
	}
}

// deletedRule is the --json form of `channel-rules delete`.
type deletedRule struct {
	AppID   string `json:"appId"`
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

func rulesDelete(c *cli.Context) error {
	args := c.Args().Slice()
	out := plugin.Printer(c)
	if len(args) != 1 {
		return exitcode.Usagef("delete takes one argument, the channel rule's name (see 'ably apps channel-rules list')")
	}
	name := args[0]
	if err := checkRuleName("the rule name", name); err != nil {
		return err
	}
	s, ref, err := session.OpenApp(c, control.WriteNamespace, "delete a channel rule")
	if err != nil {
		return err
	}
	label := session.AppLabel(ref.ID, ref.Name)
	if err := plugin.Confirm(c, fmt.Sprintf("delete channel rule %q of app %s", name, label)); err != nil {
		return err
	}
	if err := s.Client.DeleteNamespace(c.Context, ref.ID, name); err != nil {
		return err
	}
	if out.IsJSON() {
		return out.JSON(deletedRule{AppID: ref.ID, ID: name, Deleted: true})
	}
	out.Printf("Deleted channel rule %q of app %s.\n", name, label)
	return nil
}
