package accountscli

import (
	"context"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/config"
	"github.com/ably/ably-suite/pkg/control"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/resolve"
	"github.com/ably/ably-suite/pkg/session"
)

func currentCommand() *cli.Command {
	return &cli.Command{
		Name:  "current",
		Usage: "Show the current account, user and access token, and what the token may do",
		Description: `Shows the account, user, token name and expiry, and the table of access-token
capabilities with which ones this token has and the commands each unlocks. The token's details
are read with GET /me when the profile's copy is older than an hour, or with --refresh.

Examples:
   ably accounts current
   ably accounts current --refresh --json
   ably --profile work accounts current`,
		Flags:  append(session.Flags(), &cli.BoolFlag{Name: "refresh", Usage: "read the token's details from the Control API now"}),
		Action: plugin.Action(currentOptionsOf, runCurrent),
	}
}

// currentOptions are what `accounts current` was asked.
type currentOptions struct {
	Session session.Settings
	Refresh bool // read the token's details with GET /me even when the profile's copy is fresh
}

func currentOptionsOf(c *cli.Context) (currentOptions, error) {
	o := currentOptions{Session: session.SettingsOf(c), Refresh: c.Bool("refresh")}
	if c.Args().Present() {
		return o, exitcode.Usagef("unexpected argument %q: current takes no arguments (use --profile to pick a profile)", c.Args().First())
	}
	return o, nil
}

// currentResult is the --json form of `accounts current`.
type currentResult struct {
	Alias        *string          `json:"alias"`      // null when the token came from flag or environment
	Current      bool             `json:"current"`    // the profile is the config file's current one
	AuthMethod   string           `json:"authMethod"` // "accessToken", "oauth" (the official CLI's login), or "environment"
	Account      idName           `json:"account"`
	User         user             `json:"user"`
	Token        currentToken     `json:"token"`
	Capabilities []capabilityLine `json:"capabilities"`
}

type currentToken struct {
	tokenOut
	Expired   bool   `json:"expired"`
	CheckedAt string `json:"checkedAt"`
	Source    string `json:"source"`
}

type capabilityLine struct {
	control.CapabilityInfo
	Granted bool `json:"granted"`
}

func runCurrent(ctx context.Context, d plugin.Deps, o currentOptions) error {
	out := d.Out
	s, err := session.New(ctx, d, o.Session)
	if err != nil {
		return err
	}
	var info *control.TokenInfo
	if o.Refresh {
		info, err = s.Client.Me(ctx)
	} else {
		info, err = s.Client.TokenInfo(ctx)
	}
	if err != nil {
		return err
	}
	now := d.Now()
	res := currentResult{
		Account: idName{ID: info.AccountID, Name: info.AccountName},
		User:    user{ID: info.UserID, Email: info.UserEmail},
		Token: currentToken{
			tokenOut:  profileResult("", false, info).Token,
			Expired:   info.Expired(now),
			CheckedAt: output.Time(info.FetchedAt),
			Source:    s.TokenSource,
		},
	}
	res.AuthMethod = "environment"
	if s.TokenSource == "profile "+s.Alias || s.TokenSource == resolve.OAuthSource(s.Alias) {
		res.Alias = &s.Alias
		res.AuthMethod = authMethodOf(s.Account)
		if f, err := loadConfig(d); err == nil {
			res.Current = f.CurrentAlias() == s.Alias
		}
	}
	for _, ci := range control.Capabilities() {
		res.Capabilities = append(res.Capabilities, capabilityLine{CapabilityInfo: ci, Granted: info.Has(ci.Capability)})
	}
	if out.IsJSON() {
		return out.JSON(res)
	}

	profile := "none (token from " + s.TokenSource + ")"
	if res.Alias != nil {
		profile = *res.Alias
	}
	expires := "never"
	if info.ExpiresAt != nil {
		expires = output.Time(*info.ExpiresAt)
		if res.Token.Expired {
			expires += " (EXPIRED: rotate it on " + control.AccessTokensPage + ")"
		}
	}
	if err := out.Details([]output.Field{
		{Label: "Profile", Value: profile},
		{Label: "Login", Value: authMethodText(res.AuthMethod)},
		{Label: "Account", Value: fmt.Sprintf("%s (%s)", info.AccountName, info.AccountID)},
		{Label: "User", Value: info.UserEmail},
		{Label: "Token", Value: fmt.Sprintf("%s (%s)", info.TokenName, info.TokenID)},
		{Label: "Expires", Value: expires},
		{Label: "Checked", Value: since(now, info.FetchedAt)},
	}); err != nil {
		return err
	}
	fmt.Fprintln(out.Out)
	rows := make([][]string, 0, len(res.Capabilities))
	for _, l := range res.Capabilities {
		granted := "no"
		if l.Granted {
			granted = "yes"
		}
		rows = append(rows, []string{l.Label, string(l.Capability), granted, strings.Join(l.Commands, ", ")})
	}
	return out.Table([]string{"capability", "api name", "granted", "unlocks"}, rows)
}

// authMethodOf is how a profile logged in: "oauth" (the official CLI's OAuth flow) or
// "accessToken".
func authMethodOf(a config.Account) string {
	if a.AuthMethod == config.AuthOAuth && a.AccessToken == "" {
		return "oauth"
	}
	return "accessToken"
}

func authMethodText(m string) string {
	switch m {
	case "oauth":
		return "OAuth, by the official CLI (renewed by its 'ably login')"
	case "accessToken":
		return "access token"
	}
	return "a token from the command line or environment"
}
