package accountscli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/resolve"
)

func listCommand() *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "List the profiles (account aliases) and which one is current",
		Description: `Reads only the config file: no network.

Examples:
   ably accounts list
   ably accounts list --json`,
		Action: plugin.Action(listOptionsOf, runList),
	}
}

// listOptions are what `accounts list` was asked: nothing but the output format.
type listOptions struct{}

func listOptionsOf(c *cli.Context) (listOptions, error) {
	if c.Args().Present() {
		return listOptions{}, exitcode.Usagef("unexpected argument %q: list takes no arguments", c.Args().First())
	}
	return listOptions{}, nil
}

// profileRow is the --json form of one profile in `accounts list`.
type profileRow struct {
	Alias          string  `json:"alias"`
	Current        bool    `json:"current"`
	AccountID      string  `json:"accountId"`
	AccountName    string  `json:"accountName"`
	UserEmail      string  `json:"userEmail"`
	TokenName      string  `json:"tokenName"`
	TokenExpiresAt *string `json:"tokenExpiresAt"`
	CurrentAppID   string  `json:"currentAppId"`
}

func runList(_ context.Context, d plugin.Deps, _ listOptions) error {
	out := d.Out
	f, err := loadConfig(d)
	if err != nil {
		return err
	}
	rows := []profileRow{}
	for _, alias := range f.Aliases() {
		a, _ := f.Account(alias)
		r := profileRow{Alias: alias, Current: alias == f.CurrentAlias(), AccountID: a.AccountID, AccountName: a.AccountName,
			UserEmail: a.UserEmail, TokenName: a.TokenName, CurrentAppID: a.CurrentAppID}
		if a.TokenExpiresAt != "" {
			r.TokenExpiresAt = &a.TokenExpiresAt
		}
		rows = append(rows, r)
	}
	if out.IsJSON() {
		return out.JSON(rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(out.Out, "No profiles yet: log in with 'ably accounts login'.")
		return nil
	}
	table := make([][]string, 0, len(rows))
	for _, r := range rows {
		mark := ""
		if r.Current {
			mark = "*"
		}
		expires := "never"
		if r.TokenExpiresAt != nil {
			expires = *r.TokenExpiresAt
		}
		table = append(table, []string{mark, r.Alias, dash(r.AccountName), dash(r.AccountID), dash(r.UserEmail), dash(r.TokenName), expires})
	}
	return out.Table([]string{"", "alias", "account", "account id", "user", "token", "token expires"}, table)
}

func switchCommand() *cli.Command {
	return &cli.Command{
		Name:      "switch",
		Usage:     "Make a profile the current one",
		ArgsUsage: "ALIAS",
		Description: `Examples:
   ably accounts switch work`,
		Action: plugin.Action(switchOptionsOf, runSwitch),
	}
}

// switchOptions are what `accounts switch` was asked.
type switchOptions struct {
	Alias string
}

func switchOptionsOf(c *cli.Context) (switchOptions, error) {
	if c.NArg() != 1 {
		return switchOptions{}, exitcode.Usagef("switch takes one argument, the alias of a profile (see 'ably accounts list')")
	}
	return switchOptions{Alias: c.Args().First()}, nil
}

func runSwitch(ctx context.Context, d plugin.Deps, o switchOptions) error {
	out := d.Out
	alias := o.Alias
	path, err := configPath(d)
	if err != nil {
		return err
	}
	var acct config.Account
	err = config.Update(ctx, path, func(f *config.File) error {
		a, ok := f.Account(alias)
		if !ok {
			return unknownProfile(f, alias)
		}
		acct = a
		f.SetCurrent(alias)
		return nil
	})
	if err != nil {
		return err
	}
	if out.IsJSON() {
		return out.JSON(map[string]any{"alias": alias, "current": true, "accountId": acct.AccountID, "accountName": acct.AccountName})
	}
	out.Printf("Switched to profile %q (account %s).\n", alias, dash(acct.AccountName))
	return nil
}

func logoutCommand() *cli.Command {
	return &cli.Command{
		Name:      "logout",
		Usage:     "Remove a profile and its access token from this machine",
		ArgsUsage: "[ALIAS]",
		Description: `Removes the profile (default: the current one) from the config file. The token itself
stays valid: revoke it on the Access tokens page of the Ably dashboard if it may have leaked.

Examples:
   ably accounts logout
   ably accounts logout work`,
		Action: plugin.Action(logoutOptionsOf, runLogout),
	}
}

// logoutOptions are what `accounts logout` was asked.
type logoutOptions struct {
	Alias string // "" for the current profile
}

func logoutOptionsOf(c *cli.Context) (logoutOptions, error) {
	if c.NArg() > 1 {
		return logoutOptions{}, exitcode.Usagef("logout takes at most one argument, the alias of a profile")
	}
	return logoutOptions{Alias: c.Args().First()}, nil
}

func runLogout(ctx context.Context, d plugin.Deps, o logoutOptions) error {
	out := d.Out
	path, err := configPath(d)
	if err != nil {
		return err
	}
	alias := o.Alias
	var nowCurrent string
	err = config.Update(ctx, path, func(f *config.File) error {
		if alias == "" {
			alias = f.CurrentAlias()
			if alias == "" {
				return exitcode.New(exitcode.NotFound, "no current profile to log out of: name one (see 'ably accounts list')")
			}
		}
		if _, ok := f.Account(alias); !ok {
			return unknownProfile(f, alias)
		}
		f.DeleteAccount(alias)
		nowCurrent = f.CurrentAlias()
		return nil
	})
	if err != nil {
		return err
	}
	if out.IsJSON() {
		return out.JSON(map[string]any{"alias": alias, "loggedOut": true, "current": nullable(nowCurrent)})
	}
	fmt.Fprintf(out.Out, "Logged out of profile %q.\n", alias)
	if nowCurrent == "" {
		fmt.Fprintln(out.Out, "No profile is current now: 'ably accounts switch ALIAS' or 'ably accounts login'.")
	}
	return nil
}

func unknownProfile(f *config.File, alias string) error {
	known := "there are none: log in with 'ably accounts login'"
	if as := f.Aliases(); len(as) > 0 {
		known = "known: " + strings.Join(as, ", ")
	}
	return exitcode.New(exitcode.NotFound, "no profile %q (%s)", alias, known)
}

// configPath is the config file's path. Only the environment chooses it: no flag does.
func configPath(d plugin.Deps) (string, error) {
	return resolve.For(d, resolve.Flags{}).ConfigPath()
}

// loadConfig reads the config file, warning on d's output of anything odd in it.
func loadConfig(d plugin.Deps) (*config.File, error) {
	return resolve.For(d, resolve.Flags{}).Config()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// since says how long ago t was, for people.
func since(now, t time.Time) string {
	d := now.Sub(t).Round(time.Second)
	if d < time.Minute {
		return "just now"
	}
	return output.Time(t) + " (" + d.String() + " ago)"
}
