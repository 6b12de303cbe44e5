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
	TokenExpiresAt *string `json:"tokenExpiresAt"` // null when unknown or never
	TokenExpired   bool    `json:"tokenExpired"`
	AuthMethod     string  `json:"authMethod"` // "accessToken", or "oauth" for the official CLI's login
	CurrentAppID   string  `json:"currentAppId"`
	expiry         string  // for people: a time, "never" or "unknown"
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
			UserEmail: a.UserEmail, TokenName: a.TokenName, CurrentAppID: a.CurrentAppID, AuthMethod: authMethodOf(a)}
		r.setExpiry(f, a, d.Now())
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
		mark := output.CurrentMark(r.Current)
		login := "token"
		if r.AuthMethod == "oauth" {
			login = "oauth"
		}
		table = append(table, []string{mark, r.Alias, output.OrDash(r.AccountName), output.OrDash(r.AccountID), output.OrDash(r.UserEmail), login, output.OrDash(r.TokenName), r.expiry})
	}
	return out.Table([]string{"", "alias", "account", "account id", "user", "login", "token", "token expires"}, table)
}

// setExpiry fills in when the profile's token expires: an OAuth session's recorded expiry,
// else what GET /me said when it was last read ("never" only when it was read and said so;
// "unknown" when it was never read), marked when passed.
func (r *profileRow) setExpiry(f *config.File, a config.Account, now time.Time) {
	var at time.Time
	var margin time.Duration
	switch {
	case r.AuthMethod == "oauth":
		s, _ := f.OAuthSession(a.OAuthSessionKey)
		if s.AccessTokenExpiresAt == 0 {
			r.expiry = "unknown"
			return
		}
		at = time.UnixMilli(s.AccessTokenExpiresAt)
		margin = resolve.OAuthExpiryMargin // as the official CLI counts it
	case a.TokenExpiresAt != "":
		var err error
		if at, err = time.Parse(time.RFC3339, a.TokenExpiresAt); err != nil {
			r.expiry = "unknown"
			return
		}
	case a.TokenCheckedAt != "":
		r.expiry = "never"
		return
	default:
		r.expiry = "unknown"
		return
	}
	t := output.Time(at)
	r.TokenExpiresAt, r.TokenExpired, r.expiry = &t, !now.Before(at.Add(-margin)), t
	if r.TokenExpired {
		r.expiry += " (expired)"
	}
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
	out.Printf("Switched to profile %q (account %s).\n", alias, output.OrDash(acct.AccountName))
	return nil
}

func logoutCommand() *cli.Command {
	return &cli.Command{
		Name:      "logout",
		Usage:     "Remove a profile and its access token from this machine",
		ArgsUsage: "[ALIAS]",
		Description: `Removes the profile (default: the current one), its access token and the API keys kept for
its apps from the config file. It asks first on a terminal; otherwise it needs --force. For a
profile the official CLI logged in with OAuth, the last profile using that login takes its
OAuth session with it, as the official CLI does. The tokens themselves stay valid until they
expire: revoke an access token on the Access tokens page of the Ably dashboard if it may have
leaked.

Examples:
   ably accounts logout
   ably accounts logout work --force`,
		Flags:  []cli.Flag{plugin.ForceFlag()},
		Action: plugin.Action(logoutOptionsOf, runLogout),
	}
}

// logoutOptions are what `accounts logout` was asked.
type logoutOptions struct {
	Alias string // "" for the current profile
	Force bool
}

func logoutOptionsOf(c *cli.Context) (logoutOptions, error) {
	if c.NArg() > 1 {
		return logoutOptions{}, exitcode.Usagef("logout takes at most one argument, the alias of a profile")
	}
	return logoutOptions{Alias: c.Args().First(), Force: c.Bool(plugin.FlagForce)}, nil
}

func runLogout(ctx context.Context, d plugin.Deps, o logoutOptions) error {
	out := d.Out
	path, err := configPath(d)
	if err != nil {
		return err
	}
	alias := o.Alias
	f, err := loadConfig(d)
	if err != nil {
		return err
	}
	if alias == "" {
		if alias = f.CurrentAlias(); alias == "" {
			return exitcode.New(exitcode.NotFound, "no current profile to log out of: name one (see 'ably accounts list')")
		}
	}
	if _, ok := f.Account(alias); !ok {
		return unknownProfile(f, alias)
	}
	if err := d.Confirm(ctx, o.Force, fmt.Sprintf("log out of profile %q (its access token and API keys leave the config file)", alias)); err != nil {
		return err
	}
	var nowCurrent, endedSession string
	err = config.Update(ctx, path, func(f *config.File) error {
		a, ok := f.Account(alias)
		if !ok {
			return unknownProfile(f, alias)
		}
		f.DeleteAccount(alias)
		if key := a.OAuthSessionKey; a.AuthMethod == config.AuthOAuth && key != "" && len(f.OAuthSessionUsers(key)) == 0 {
			if _, there := f.OAuthSession(key); there {
				f.DeleteOAuthSession(key) // as the official CLI does with a session nobody uses
				endedSession = key
			}
		}
		nowCurrent = f.CurrentAlias()
		return nil
	})
	if err != nil {
		return err
	}
	if out.IsJSON() {
		return out.JSON(map[string]any{"alias": alias, "loggedOut": true, "current": nullable(nowCurrent),
			"oauthSessionRemoved": nullable(endedSession)})
	}
	fmt.Fprintf(out.Out, "Logged out of profile %q.\n", alias)
	if endedSession != "" {
		fmt.Fprintf(out.Out, "Its OAuth session %q was removed too; its token stays valid until it expires or is revoked in the Ably dashboard.\n", endedSession)
	}
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
