package appscli

import (
	"context"
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
		Action: plugin.Action(rulesListOptionsOf, runRulesList),
	}
}

// rulesListOptions are what `channel-rules list` was asked; the app is the Session's.
type rulesListOptions struct {
	Session session.Settings
}

func rulesListOptionsOf(c *cli.Context) (rulesListOptions, error) {
	o := rulesListOptions{Session: session.SettingsOf(c)}
	if c.Args().Present() {
		return o, exitcode.Usagef("unexpected argument %q: list takes no arguments (name the app with --app)", c.Args().First())
	}
	return o, nil
}

func runRulesList(ctx context.Context, d plugin.Deps, o rulesListOptions) error {
	out := d.Out
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.ReadNamespace, "list channel rules")
	if err != nil {
		return err
	}
	rules, err := s.Client.ListNamespaces(ctx, ref.ID)
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
	flags := []cli.Flag{session.AppFlag(), &cli.StringFlag{Name: flagName, Usage: "the channel namespace `NAME`, e.g. chat for channels chat:* (or give it as the argument)"}}
	flags = append(flags, ruleSettingFlags()...)
	return &cli.Command{
		Name:  "create",
		Usage: "Create a channel rule (needs Write Rule)",
		Description: `Only the settings given are sent; the others are off.

Examples:
   ably apps channel-rules create --name chat --persisted
   ably apps rules create updates --push-enabled --tls-only
   ably apps rules create --name ticker --conflation-enabled --conflation-interval 1000 --conflation-key '#{message.name}'
   ably apps rules create --app "My App" --name chat --mutable-messages --json`,
		ArgsUsage: "[NAME]",
		Flags:     append(flags, session.Flags()...),
		Action:    plugin.Action(rulesCreateOptionsOf, runRulesCreate),
	}
}

// rulesCreateOptions are what `channel-rules create` was asked: the namespace (a checked
// name) and the settings to send.
type rulesCreateOptions struct {
	Session session.Settings
	Name    string
	Fields  control.NamespaceFields
}

func rulesCreateOptionsOf(c *cli.Context) (rulesCreateOptions, error) {
	o := rulesCreateOptions{Session: session.SettingsOf(c)}
	var set bool
	var err error
	if o.Name, set, err = plugin.ArgOrFlag(c, flagName, "namespace"); err != nil {
		return o, err
	}
	if !set {
		return o, exitcode.Usagef("the namespace is required: 'chat' (or --name chat) for the channels chat:*")
	}
	if err := checkRuleName("namespace", o.Name); err != nil {
		return o, err
	}
	o.Fields, err = ruleFieldsFromFlags(c)
	return o, err
}

func runRulesCreate(ctx context.Context, d plugin.Deps, o rulesCreateOptions) error {
	out := d.Out
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.WriteNamespace, "create a channel rule")
	if err != nil {
		return err
	}
	rule, err := s.Client.CreateNamespace(ctx, ref.ID, o.Name, o.Fields)
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
		Action: plugin.Action(rulesUpdateOptionsOf, runRulesUpdate),
	}
}

// rulesUpdateOptions are what `channel-rules update` was asked: the rule (a checked name)
// and the settings to send (at least one).
type rulesUpdateOptions struct {
	Session session.Settings
	Name    string
	Fields  control.NamespaceFields
}

func rulesUpdateOptionsOf(c *cli.Context) (rulesUpdateOptions, error) {
	o := rulesUpdateOptions{Session: session.SettingsOf(c)}
	args := c.Args().Slice()
	if len(args) != 1 {
		return o, exitcode.Usagef("update takes one argument, the channel rule's name (see 'ably apps channel-rules list'), then the settings to change")
	}
	o.Name = args[0]
	if err := checkRuleName("the rule name", o.Name); err != nil {
		return o, err
	}
	var err error
	if o.Fields, err = ruleFieldsFromFlags(c); err != nil {
		return o, err
	}
	if o.Fields == (control.NamespaceFields{}) {
		return o, exitcode.Usagef("nothing to change: pass a setting such as --persisted or --persisted=false (see 'ably apps channel-rules update --help')")
	}
	return o, nil
}

func runRulesUpdate(ctx context.Context, d plugin.Deps, o rulesUpdateOptions) error {
	out := d.Out
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.WriteNamespace, "update a channel rule")
	if err != nil {
		return err
	}
	rule, err := s.Client.UpdateNamespace(ctx, ref.ID, o.Name, o.Fields)
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
		Action: plugin.Action(rulesDeleteOptionsOf, runRulesDelete),
	}
}

// deletedRule is the --json form of `channel-rules delete`.
type deletedRule struct {
	AppID   string `json:"appId"`
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

// rulesDeleteOptions are what `channel-rules delete` was asked: the rule, a checked name.
type rulesDeleteOptions struct {
	Session session.Settings
	Name    string
	Force   bool
}

func rulesDeleteOptionsOf(c *cli.Context) (rulesDeleteOptions, error) {
	o := rulesDeleteOptions{Session: session.SettingsOf(c), Force: c.Bool(plugin.FlagForce)}
	args := c.Args().Slice()
	if len(args) != 1 {
		return o, exitcode.Usagef("delete takes one argument, the channel rule's name (see 'ably apps channel-rules list')")
	}
	o.Name = args[0]
	return o, checkRuleName("the rule name", o.Name)
}

func runRulesDelete(ctx context.Context, d plugin.Deps, o rulesDeleteOptions) error {
	out := d.Out
	s, ref, err := session.NewForApp(ctx, d, o.Session, control.WriteNamespace, "delete a channel rule")
	if err != nil {
		return err
	}
	label := session.AppLabel(ref.ID, ref.Name)
	if err := d.Confirm(ctx, o.Force, fmt.Sprintf("delete channel rule %q of app %s", o.Name, label)); err != nil {
		return err
	}
	if err := s.Client.DeleteNamespace(ctx, ref.ID, o.Name); err != nil {
		return err
	}
	if out.IsJSON() {
		return out.JSON(deletedRule{AppID: ref.ID, ID: o.Name, Deleted: true})
	}
	out.Printf("Deleted channel rule %q of app %s.\n", o.Name, label)
	return nil
}
